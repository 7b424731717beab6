import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addFiles } from '../../src/db/files.js';
import { MATCH_CAP } from '../../src/library/search.js';
import type { CallRecord } from '../emulator/index.js';
import { eventually, startWorld, type World } from './harness.js';
import { addTestFile } from './library-helpers.js';

describe('search limits', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
    const db = await world.db();
    for (let n = 1; n <= 30; n++) {
      await addTestFile(world.emu, db, { title: `Grammar lesson ${n}`, tags: ['grammar'] });
    }
    // More files than a search counts: an import's worth, straight into the database.
    await addFiles(
      db,
      Array.from({ length: MATCH_CAP + 5 }, (_, n) => ({
        file_id: `imported-${n}`,
        file_unique_id: `imported-unique-${n}`,
        title: `Vocabulary card ${n}`,
        type: 'document' as const,
        size: 1000,
      })),
    );
  });
  after(() => world.close());

  it('shows a capped total as 1000+ and pages only through the first 1000', async () => {
    await world.ask(
      world.emu.user({ language_code: 'en' }),
      'vocabulary',
      '🔎 «vocabulary»: 1000+ files found, showing the best 1000; try more words.\nPage 1/100',
    );
  });

  it('limits a flood of inline queries from one user; another user is answered promptly', async () => {
    const { emu } = world;
    const flooder = emu.user({ first_name: 'Looper', language_code: 'en' });
    const mark = emu.mark();
    // A client looping `@bot gram` with a deep offset: 60 queries at once, over the 20 allowed.
    const queries = Array.from({ length: 60 }, () => emu.inlineQuery(flooder, 'gram', '40'));
    const ids = new Set(queries.map((update) => update.inline_query?.id));
    const answers = () =>
      emu.calls
        .slice(mark)
        .filter(
          (c) => c.method === 'answerInlineQuery' && ids.has(String(c.params.inline_query_id)),
        );

    const reader = emu.user({ first_name: 'Reader', language_code: 'en' });
    const asked = Date.now();
    await world.ask(reader, 'grammar lesson', /^🔎 «grammar lesson»: 30 files found\./);
    const waited = Date.now() - asked;
    assert.ok(waited < 5000, `the other user waited ${waited} ms`);

    const all = await eventually(
      () => answers().length === 60 && answers(),
      'an answer to every inline query',
    );
    assert.ok(all.every((c: CallRecord) => c.ok));
    const withResults = all.filter((c) => (c.params.results as unknown[]).length > 0);
    const empty = all.filter((c) => (c.params.results as unknown[]).length === 0);
    assert.equal(withResults.length, 20);
    assert.equal(empty.length, 40);
    // Over the limit: empty, personal and uncached, so nobody else gets the empty answer.
    assert.ok(empty.every((c) => c.params.is_personal === true && c.params.cache_time === 0));
    // The deep offset was clamped to the last page (30 files, 20 a page).
    assert.ok(withResults.every((c) => (c.params.results as unknown[]).length === 10));

    // Another user's inline query is not held back by the flooder's.
    const other = emu.user({ first_name: 'Other', language_code: 'en' });
    const update = emu.inlineQuery(other, 'gram');
    const answer = await emu.waitForCall(
      'answerInlineQuery',
      (c) => c.params.inline_query_id === update.inline_query?.id,
    );
    assert.equal((answer.params.results as unknown[]).length, 20);
  });
});
