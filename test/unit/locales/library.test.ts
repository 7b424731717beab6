import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { createI18n, languages } from '../../../src/bot/i18n.js';

const keysOf = (language: string) =>
  [
    ...readFileSync(
      new URL(`../../../src/locales/${language}/library.ftl`, import.meta.url),
      'utf8',
    ).matchAll(/^([a-z][a-z0-9-]*) =/gm),
  ].map((match) => match[1]);

describe('library locale files', () => {
  it('have the same messages in every language', () => {
    const english = keysOf('en');
    assert.ok(english.length > 20);
    for (const language of languages) assert.deepEqual(keysOf(language), english, language);
  });

  it('format every message without missing variables', () => {
    const i18n = createI18n('uz');
    const variables = {
      query: 'q',
      total: 3,
      page: 1,
      pages: 2,
      type: 'audio',
      title: 'T',
      size: '1 KB',
      tags: 'a, b',
      count: 5,
      minutes: 10,
      users: 1,
      active: 1,
      blocked: 0,
      files: 2,
      downloads: 3,
      today: 1,
      rank: 1,
    };
    for (const language of languages) {
      for (const key of keysOf(language)) {
        const text = i18n.t(language, key ?? '', variables);
        assert.doesNotMatch(text, /\{\$|\{ *\$/, `${language} ${key}: ${text}`);
        assert.notEqual(text, key, `${language} ${key} is missing`);
      }
    }
  });

  it('use the plural forms of each language', () => {
    const i18n = createI18n('uz');
    const found = (language: string, total: number) =>
      i18n.t(language, 'search-results', { query: 'q', total, page: 1, pages: 1 }).split('\n')[0];
    assert.equal(found('en', 1), '🔎 «q»: 1 file found.');
    assert.equal(found('en', 2), '🔎 «q»: 2 files found.');
    assert.equal(found('ru', 1), '🔎 «q»: найден 1 файл.');
    assert.equal(found('ru', 3), '🔎 «q»: найдено 3 файла.');
    assert.equal(found('ru', 11), '🔎 «q»: найдено 11 файлов.');
    assert.equal(found('uz', 21), "🔎 «q» bo'yicha 21 ta fayl topildi.");
  });
});
