import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { FileKind } from '../../../src/db/schema.js';
import { targetFileName } from '../../../src/library/file-name.js';
import { cleanFileName } from '../../emulator/file-name.js';

const SUFFIX = ' - PrimeLingoBot';
const name = (
  title: string,
  fileName: string | null = 'lesson.pdf',
  mimeType: string | null = null,
  kind: FileKind = 'document',
) => targetFileName({ title, file_name: fileName, mime_type: mimeType, type: kind }, SUFFIX);

describe('targetFileName', () => {
  it('is the title with the original extension', () => {
    const title = 'Grammar Basics - PrimeLingoBot';
    assert.equal(name(title, 'lesson 1.PDF'), `${title}.PDF`);
    assert.equal(name(title, 'backup.tar.gz'), `${title}.tar.gz`);
    assert.equal(name(title, 'no-extension', 'application/pdf'), `${title}.pdf`);
    assert.equal(name(title, null, 'audio/mpeg', 'audio'), `${title}.mp3`);
    assert.equal(name(title, null, null, 'video'), `${title}.mp4`);
    assert.equal(name(title, null, null, 'document'), title);
  });

  it('writes Uzbek apostrophes as ʼ and leaves out what the server would blank', () => {
    assert.equal(
      name("O'zbek tili: to'liq kurs - PrimeLingoBot"),
      'Oʼzbek tili toʼliq kurs - PrimeLingoBot.pdf',
    );
    assert.equal(
      name('Boshlang‘ich — «A1» 📚 - PrimeLingoBot'),
      'Boshlangʼich A1 - PrimeLingoBot.pdf',
    );
    assert.equal(
      name('Unit 1/2\r\nVerbs - PrimeLingoBot', 'a.mp3'),
      'Unit 1-2 Verbs - PrimeLingoBot.mp3',
    );
    // Without an extension the last dot of the title would start one.
    assert.equal(name('v2.0 notes - PrimeLingoBot', null), 'v2 0 notes - PrimeLingoBot');
  });

  it('shortens a long title at a word boundary and keeps the suffix', () => {
    assert.equal(
      name('Ingliz tili grammatikasi: boshlang‘ichlar uchun to‘liq qo‘llanma - PrimeLingoBot'),
      'Ingliz tili grammatikasi boshlangʼichlar uchun - PrimeLingoBot.pdf',
    );
    assert.equal(
      name(`${'A'.repeat(80)} - PrimeLingoBot`),
      `${'A'.repeat(48)} - PrimeLingoBot.pdf`,
      'one long word is cut where it must be',
    );
    assert.equal(
      name(
        'Backup of the whole course with every lesson and all of the audio - PrimeLingoBot',
        'x.tar.gz',
      ),
      'Backup of the whole course with every lesson - PrimeLingoBot.tar.gz',
      '.tar counts towards the stem',
    );
    assert.equal(
      name(`${'Lesson '.repeat(12)}`),
      'Lesson Lesson Lesson Lesson Lesson Lesson Lesson Lesson Lesson.pdf',
    );
  });

  it('builds names that the server keeps exactly as they are', () => {
    const titles = [
      "O'zbek tili: to'liq kurs - PrimeLingoBot",
      'Ўзбек тили грамматикаси: «тўлиқ» қўлланма, 2-қисм (янги нашр) & машқлар - PrimeLingoBot',
      'Русский язык: падежи — таблицы, упражнения и ответы к ним для начинающих - PrimeLingoBot',
      '...Hidden? <b>tags</b> | "quotes" * `code` \u0301accent café\u0301 - PrimeLingoBot',
      `${'Word '.repeat(30)}- PrimeLingoBot`,
    ];
    for (const title of titles) {
      for (const fileName of ['a.pdf', 'b.tar.gz', null]) {
        const built = name(title, fileName);
        assert.equal(cleanFileName(built), built, built);
        assert.ok(built.includes(' - PrimeLingoBot'), built);
      }
    }
  });
});
