import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { addFile } from '../../../src/db/files.js';
import { searchFiles } from '../../../src/library/search.js';

let next = 0;

/** Adds a file with only what search looks at; returns its id. */
async function add(db: Db, title: string, tags: string[] = [], downloads = 0): Promise<number> {
  next++;
  const { id } = await addFile(db, {
    file_id: `file-${next}`,
    file_unique_id: `unique-${next}`,
    title,
    type: 'document',
    size: 1,
    tags,
  });
  if (downloads > 0) {
    await db
      .updateTable('files')
      .set({ downloads_count: downloads })
      .where('id', '=', id)
      .execute();
  }
  return id;
}

async function titles(db: Db, query: string): Promise<string[]> {
  return (await searchFiles(db, query, { pageSize: 50 })).items.map((item) => item.title);
}

describe('searchFiles', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase(':memory:');
    await add(db, "O'zbek tili grammatikasi", ['darslik']);
    await add(db, 'Ўзбек тили: ҳикоялар', ['китоб']);
    await add(db, "G'isht terish", ['qurilish']);
    await add(db, 'Русская грамматика для начинающих', ['учебник']);
    await add(db, 'Ёлка и зима', ['праздник']);
    await add(db, 'English Grammar in Use', ['b1', 'grammar']);
    await add(db, 'Business English vocabulary', ['words']);
    await add(db, 'Қўшиқлар тўплами', ['musiqa']);
  });
  after(() => db.destroy());

  it('finds Latin Uzbek whatever apostrophe is typed', async () => {
    for (const query of ["o'zbek", 'oʻzbek', 'oʼzbek', 'o‘zbek', 'o’zbek', 'o`zbek', 'o´zbek']) {
      assert.deepEqual(
        (await titles(db, `${query} grammatika`)).sort(),
        ["O'zbek tili grammatikasi"],
        query,
      );
    }
    for (const query of ["g'isht", 'gʻisht', 'g‘isht', 'g`isht', 'gisht']) {
      assert.deepEqual(await titles(db, query), ["G'isht terish"], query);
    }
  });

  it('finds Cyrillic Uzbek from Latin and Latin from Cyrillic', async () => {
    const both = ["O'zbek tili grammatikasi", 'Ўзбек тили: ҳикоялар'];
    assert.deepEqual((await titles(db, 'ўзбек тили')).sort(), both.sort());
    assert.deepEqual((await titles(db, "o'zbek tili")).sort(), both.sort());
    assert.deepEqual(await titles(db, 'hikoya'), ['Ўзбек тили: ҳикоялар']);
    assert.deepEqual(await titles(db, "qo'shiq"), ['Қўшиқлар тўплами']);
    assert.deepEqual(await titles(db, 'qurilish'), ["G'isht terish"]);
    assert.deepEqual(await titles(db, 'ҚУРИЛИШ'), ["G'isht terish"]);
  });

  it('keeps Russian working, with ё and е alike', async () => {
    // Transliterated, the Russian word also reaches the Uzbek one; same-script hits rank first.
    assert.deepEqual(await titles(db, 'грамматика'), [
      'Русская грамматика для начинающих',
      "O'zbek tili grammatikasi",
    ]);
    assert.deepEqual(await titles(db, 'начинающ'), ['Русская грамматика для начинающих']);
    assert.deepEqual(await titles(db, 'учебник'), ['Русская грамматика для начинающих']);
    assert.deepEqual(await titles(db, 'елка'), ['Ёлка и зима']);
    assert.deepEqual(await titles(db, 'ёлка'), ['Ёлка и зима']);
  });

  it('keeps English working, matching prefixes case-insensitively', async () => {
    assert.deepEqual(await titles(db, 'Gram in'), ['English Grammar in Use']);
    assert.deepEqual((await titles(db, 'engl')).sort(), [
      'Business English vocabulary',
      'English Grammar in Use',
    ]);
    assert.deepEqual(await titles(db, 'VOCAB'), ['Business English vocabulary']);
  });

  it('requires every word to match', async () => {
    assert.deepEqual(await titles(db, 'english business'), ['Business English vocabulary']);
    assert.deepEqual(await titles(db, 'english zima'), []);
    assert.deepEqual(await titles(db, 'english nothing'), []);
  });

  it('finds nothing, without failing, for empty or punctuation-only queries', async () => {
    for (const query of ['', '   ', '?!', '"', '*', '-', '()', "'", 'ʻ']) {
      assert.deepEqual(await searchFiles(db, query), {
        items: [],
        total: 0,
        capped: false,
        page: 1,
        pages: 0,
      });
    }
  });

  it('never reads user input as FTS5 syntax', async () => {
    const hostile = [
      '"',
      '""',
      '*',
      'gram*',
      'NEAR(',
      'NEAR(english grammar, 2)',
      'title:x',
      'search_title:english',
      '{search_tags}: grammar',
      '-',
      '-english',
      'AND OR NOT',
      'english AND',
      'english OR',
      'NOT english',
      '^english',
      'english +',
      '(((',
      ')',
      "'; DROP TABLE files; --",
      'a'.repeat(5000),
      'a '.repeat(3000),
    ];
    for (const query of hostile) {
      const result = await searchFiles(db, query);
      assert.ok(result.total >= 0, query);
    }
    // Operators are ordinary words: "english AND" also wants a word starting with "and".
    assert.deepEqual(await titles(db, 'english AND'), []);
    assert.deepEqual((await titles(db, 'english*')).sort(), [
      'Business English vocabulary',
      'English Grammar in Use',
    ]);
  });
});

describe('searchFiles ranking and paging', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase(':memory:');
  });
  after(() => db.destroy());

  it('ranks a title hit above a tag-only hit, even a much downloaded one', async () => {
    await add(db, 'Listening practice', ['phonetics'], 1000);
    await add(db, 'Phonetics basics', ['audio'], 0);
    assert.deepEqual(await titles(db, 'phonetics'), ['Phonetics basics', 'Listening practice']);
    const second = await searchFiles(db, 'phonetics', { page: 2, pageSize: 1 });
    assert.deepEqual(
      [second.pages, second.items.map((item) => item.title)],
      [2, ['Listening practice']],
    );
  });

  it('orders equally relevant files by downloads, then by age', async () => {
    const low = await add(db, 'Idioms part', ['idioms'], 5);
    const high = await add(db, 'Idioms part', ['idioms'], 50);
    const tieOld = await add(db, 'Idioms part', ['idioms'], 20);
    const tieNew = await add(db, 'Idioms part', ['idioms'], 20);
    const result = await searchFiles(db, 'idioms');
    assert.deepEqual(
      result.items.map((item) => item.id),
      [high, tieOld, tieNew, low],
    );
    // Short pages too: the tie-break must hold across a page boundary.
    const paged = [1, 2].map((page) => searchFiles(db, 'idioms', { page, pageSize: 2 }));
    const ids = (await Promise.all(paged)).flatMap((result) => result.items.map((item) => item.id));
    assert.deepEqual(ids, [high, tieOld, tieNew, low]);
  });

  it('pages 25 hits as 10, 10 and 5, clamping pages past either end', async () => {
    for (let i = 1; i <= 25; i++) await add(db, `Vocabulary unit ${i}`, ['paging'], i);
    const downloads: number[] = [];
    const sizes: number[] = [];
    for (const page of [1, 2, 3]) {
      const result = await searchFiles(db, 'vocab', { page });
      assert.equal(result.total, 25);
      assert.equal(result.pages, 3);
      assert.equal(result.page, page);
      sizes.push(result.items.length);
      downloads.push(...result.items.map((item) => item.downloads_count));
    }
    assert.deepEqual(sizes, [10, 10, 5]);
    // Equally relevant, so one unbroken run by downloads across the pages, each file once.
    assert.deepEqual(
      downloads,
      Array.from({ length: 25 }, (_, i) => 25 - i),
    );

    const beyond = await searchFiles(db, 'vocab', { page: 9 });
    assert.equal(beyond.page, 3);
    assert.equal(beyond.items.length, 5);
    assert.equal((await searchFiles(db, 'vocab', { page: 0 })).page, 1);
    assert.equal((await searchFiles(db, 'vocab', { page: -3 })).page, 1);
    const custom = await searchFiles(db, 'vocab', { pageSize: 7, page: 4 });
    assert.deepEqual([custom.pages, custom.items.length], [4, 4]);
  });
});
