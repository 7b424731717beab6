import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Db, openReadOnlyDatabase } from '../../../src/db/database.js';
import { MATCH_CAP, type SearchResult, searchFiles } from '../../../src/library/search.js';
import { cachedLibrary } from '../../bench/library.js';

// Each search here took from a few hundred milliseconds to seconds before search was bounded
// (the whole match set was counted and ranked). The limit is far above what a bounded search
// takes even on a loaded machine, and far below what an unbounded one did.
const QUICK_MS = 1000;

async function timed(db: Db, query: string, page = 1): Promise<SearchResult> {
  const started = performance.now();
  const result = await searchFiles(db, query, { page });
  const took = performance.now() - started;
  assert.ok(took < QUICK_MS, `"${query.slice(0, 40)}" page ${page} took ${took.toFixed(0)} ms`);
  return result;
}

const words = (text: string) => text.split(' ');

describe('search on a generated library of 200,000 files', () => {
  let db: Db;
  // Generating the library the first time takes a minute or more on a busy machine.
  before(
    async () => {
      db = openReadOnlyDatabase(await cachedLibrary(200_000), 5000);
    },
    { timeout: 600_000 },
  );
  after(() => db.destroy());

  it('answers a one-letter query with files having that whole word, the total capped', async () => {
    const result = await timed(db, '7');
    assert.equal(result.capped, true);
    assert.equal(result.total, MATCH_CAP);
    assert.equal(result.pages, MATCH_CAP / 10);
    assert.equal(result.items.length, 10);
    for (const file of result.items) assert.ok(words(file.title).includes('7'), file.title);
    // No file has a one-letter word "q": nothing, not every file with a word starting with q.
    assert.equal((await timed(db, 'q')).total, 0);
  });

  it('clamps a deep page to the last of the first 1000 matches, best first', async () => {
    const first = await timed(db, 'gr');
    const deep = await timed(db, 'gr', 1_000_000);
    assert.equal(deep.capped, true);
    assert.equal(deep.page, MATCH_CAP / 10);
    assert.equal(deep.items.length, 10);
    for (const file of [...first.items, ...deep.items]) {
      assert.ok(/(^|[\s,])(gr|гр)/iu.test(`${file.title} ${file.tags}`), file.title);
    }
    // Of 1000 matches, plenty have the word in the title: they fill the first page.
    for (const file of first.items) {
      assert.ok(/(^|\s)(gr|гр)/iu.test(file.title), file.title);
    }
  });

  it('reads a 50-word query as its first eight words', async () => {
    const long = `${'grammar '.repeat(8)}${'zqxv '.repeat(42)}`;
    const result = await timed(db, long);
    assert.deepEqual(
      result.items.map((file) => file.id),
      (await timed(db, 'grammar')).items.map((file) => file.id),
    );
    assert.ok(result.total > 0);
    assert.equal((await timed(db, 'zqxv '.repeat(50))).total, 0);
  });

  it('checks the letters of a long word past the indexed eight', async () => {
    const result = await timed(db, 'grammatikasi');
    // "grammatika" alone shares the first eight letters but is not a match.
    assert.equal(result.total, 0);
    const shorter = await timed(db, 'grammatika');
    assert.ok(shorter.total > 0);
    for (const file of shorter.items) {
      assert.ok(/grammatika|грамматика/iu.test(`${file.title} ${file.tags}`), file.title);
    }
  });
});
