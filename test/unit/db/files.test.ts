import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../src/db/database.js';
import {
  addFile,
  addFiles,
  deleteFile,
  findFile,
  findFileByUniqueId,
  formatTags,
  type NewFile,
  setProcessedFile,
  updateFileDetails,
} from '../../../src/db/files.js';
import { searchFiles } from '../../../src/library/search.js';

function file(n: number, overrides: Partial<NewFile> = {}): NewFile {
  return {
    file_id: `file-${n}`,
    file_unique_id: `unique-${n}`,
    file_name: `lesson-${n}.pdf`,
    mime_type: 'application/pdf',
    title: `Lesson ${n}`,
    type: 'document',
    size: 1000 + n,
    added_by: null,
    ...overrides,
  };
}

async function titlesFor(db: Db, query: string): Promise<string[]> {
  return (await searchFiles(db, query)).items.map((item) => item.title);
}

describe('files repository', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase(':memory:');
  });
  after(() => db.destroy());

  it('adds a file and finds it by id and by unique id', async () => {
    const added = await addFile(
      db,
      file(1, { title: 'English Grammar', tags: [' Grammar ', 'B1', 'grammar'] }),
    );
    assert.equal(added.title, 'English Grammar');
    assert.equal(added.tags, 'grammar,b1');
    assert.equal(added.downloads_count, 0);
    assert.equal(added.processed_file_id, null);
    assert.ok(added.created_at > 0);
    assert.ok(!('search_title' in added), 'search columns stay inside the repository');
    assert.deepEqual(await findFile(db, added.id), added);
    assert.deepEqual(await findFileByUniqueId(db, 'unique-1'), added);
    assert.equal(await findFile(db, 404), undefined);
    assert.equal(await findFileByUniqueId(db, 'nope'), undefined);
  });

  it('rejects a second file with the same file_unique_id or file_id', async () => {
    await assert.rejects(addFile(db, file(2, { file_unique_id: 'unique-1' })), /UNIQUE/);
    await assert.rejects(addFile(db, file(2, { file_id: 'file-1' })), /UNIQUE/);
    assert.deepEqual(await titlesFor(db, 'lesson'), [], 'a rejected insert leaves no index entry');
  });

  it('records the processed copy and its thumbnail, and knows the copy by its unique id', async () => {
    const { id } = await addFile(
      db,
      file(3, { type: 'audio', thumbnail_file_id: 'thumb-original' }),
    );
    const copy = (n: string, thumbnailFileId?: string) => ({
      fileId: `processed-${n}`,
      fileUniqueId: `processed-unique-${n}`,
      kind: 'document' as const,
      thumbnailFileId,
    });
    assert.equal(await setProcessedFile(db, id, copy('3')), true);
    let found = await findFile(db, id);
    assert.equal(found?.processed_file_id, 'processed-3');
    assert.equal(found?.processed_type, 'document', 'the kind Telegram made of the copy');
    assert.equal(found?.type, 'audio');
    assert.equal(found?.thumbnail_file_id, 'thumb-original');
    assert.equal(await setProcessedFile(db, id, copy('3b', 'thumb-3')), true);
    found = await findFile(db, id);
    assert.equal(found?.processed_file_id, 'processed-3b');
    assert.equal(found?.thumbnail_file_id, 'thumb-3');
    assert.equal((await findFileByUniqueId(db, 'processed-unique-3b'))?.id, id);
    assert.equal((await findFileByUniqueId(db, 'unique-3'))?.id, id);
    assert.equal(await findFileByUniqueId(db, 'processed-unique-3'), undefined);
    assert.equal(await setProcessedFile(db, 404, copy('x')), false);
  });

  it('takes a deleted file out of search at once', async () => {
    const { id } = await addFile(db, file(4, { title: 'Phrasal verbs', tags: ['idioms'] }));
    assert.deepEqual(await titlesFor(db, 'phrasal'), ['Phrasal verbs']);
    assert.equal(await deleteFile(db, id), true);
    assert.deepEqual(await titlesFor(db, 'phrasal'), []);
    assert.deepEqual(await titlesFor(db, 'idioms'), []);
    assert.equal(await findFile(db, id), undefined);
    assert.equal(await deleteFile(db, id), false);
  });

  it('re-indexes edited titles and tags', async () => {
    const { id } = await addFile(db, file(5, { title: 'Listening A1', tags: ['audio'] }));
    const edited = await updateFileDetails(db, id, { title: "Tinglab tushunish o'zbek" });
    assert.equal(edited?.title, "Tinglab tushunish o'zbek");
    assert.equal(edited?.tags, 'audio');
    assert.deepEqual(await titlesFor(db, 'listening'), []);
    assert.deepEqual(await titlesFor(db, 'oʻzbek'), ["Tinglab tushunish o'zbek"]);
    await updateFileDetails(db, id, { tags: ['Podcast'] });
    assert.deepEqual(await titlesFor(db, 'audio'), []);
    assert.deepEqual(await titlesFor(db, 'podcast'), ["Tinglab tushunish o'zbek"]);
    assert.equal(await updateFileDetails(db, 404, { title: 'x' }), undefined);
  });

  it('rolls a file and its index entry back together', async () => {
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        await addFile(trx, file(6, { title: 'Rolled back' }));
        throw new Error('abort');
      }),
      /abort/,
    );
    assert.deepEqual(await titlesFor(db, 'rolled'), []);
    assert.equal(await findFileByUniqueId(db, 'unique-6'), undefined);
  });

  it('leaves the index alone when downloads are counted', async () => {
    const { id } = await addFile(db, file(7, { title: 'Counted' }));
    await db
      .updateTable('files')
      .set((eb) => ({ downloads_count: eb('downloads_count', '+', 1) }))
      .where('id', '=', id)
      .execute();
    assert.equal((await findFile(db, id))?.downloads_count, 1);
    assert.deepEqual(await titlesFor(db, 'counted'), ['Counted']);
  });

  it('adds many files at once, all or none', async () => {
    const files = Array.from({ length: 1200 }, (_, i) =>
      file(10_000 + i, { title: `Bulk ${i}`, tags: i % 2 ? ['odd'] : [] }),
    );
    delete files[1]?.file_name; // rows need not all name the same columns
    const added = await addFiles(db, files);
    assert.deepEqual(
      added.map((row) => row.title),
      files.map((row) => row.title),
    );
    assert.equal(added[1]?.file_name, null);
    assert.equal(added[1]?.tags, 'odd');
    assert.equal((await searchFiles(db, 'bulk odd')).total, 600);
    await assert.rejects(
      addFiles(db, [
        file(20_000, { title: 'Atomic' }),
        file(20_001, { file_unique_id: 'unique-10000' }),
      ]),
      /UNIQUE/,
    );
    assert.equal((await searchFiles(db, 'atomic')).total, 0);
    assert.deepEqual(await addFiles(db, []), []);
  });

  it('formats tags as lower-case, comma-separated and unique', () => {
    assert.equal(formatTags(['A, B', ' c ', 'C', '', ' , ']), 'a b,c');
    assert.equal(formatTags([]), '');
    // What the upload dialog passes: the admin's text split at its commas.
    assert.equal(formatTags(' Grammar, A1 ,grammar,, English '.split(',')), 'grammar,a1,english');
    assert.equal(formatTags(' , '.split(',')), '');
  });
});
