import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { InlineQueryResult } from 'grammy/types';
import type { Db } from '../../src/db/database.js';
import { deleteFile } from '../../src/db/files.js';
import type { LibraryFile } from '../../src/db/schema.js';
import type { CallRecord } from '../emulator/index.js';
import { eventually, startWorld, type World } from './harness.js';
import { addTestFile } from './library-helpers.js';

describe('inline mode', () => {
  let world: World;
  let db: Db;
  const files: Record<string, LibraryFile> = {};
  before(async () => {
    world = await startWorld();
    db = await world.db();
    const { emu } = world;
    files.book = await addTestFile(emu, db, { title: 'Grammar book', tags: ['grammatika'] });
    files.song = await addTestFile(emu, db, { title: 'Grammar song', type: 'audio' });
    files.film = await addTestFile(emu, db, { title: 'Grammar film', type: 'video' });
    // Not processed yet: the original is offered.
    files.raw = await addTestFile(emu, db, { title: 'Grammar notes', processed: false });
    for (let n = 1; n <= 25; n++) {
      await addTestFile(emu, db, { title: `Vocabulary card ${n}` });
    }
  });
  after(() => world.close());

  async function inline(query: string, offset = ''): Promise<CallRecord> {
    const { emu } = world;
    const user = emu.user({ first_name: 'Inline', language_code: 'en' });
    const update = emu.inlineQuery(user, query, offset);
    return emu.waitForCall(
      'answerInlineQuery',
      (c) => c.params.inline_query_id === update.inline_query?.id,
    );
  }

  const results = (call: CallRecord) => call.params.results as unknown as InlineQueryResult[];

  it('lists matching files as cached documents, audio and video', async () => {
    const answer = await inline('gram');
    assert.ok(answer.ok, answer.error?.description);
    const byId = new Map(
      results(answer).map((r) => [r.id, r as unknown as Record<string, unknown>]),
    );
    assert.equal(byId.size, 4);
    const book = byId.get(`f${files.book?.id}`);
    assert.equal(book?.type, 'document');
    assert.equal(book?.title, 'Grammar book');
    assert.equal(book?.document_file_id, files.book?.processed_file_id);
    assert.equal(book?.description, 'Document · 2 KB');
    const song = byId.get(`f${files.song?.id}`);
    assert.equal(song?.type, 'audio');
    assert.equal(song?.audio_file_id, files.song?.processed_file_id);
    const film = byId.get(`f${files.film?.id}`);
    assert.equal(film?.type, 'video');
    assert.equal(film?.video_file_id, files.film?.processed_file_id);
    const raw = byId.get(`f${files.raw?.id}`);
    assert.equal(raw?.document_file_id, files.raw?.file_id);
    assert.equal(answer.params.next_offset, '');
    assert.ok(Number(answer.params.cache_time) <= 10, 'deleted files leave the cache soon');
  });

  it('finds Uzbek in either script inline too', async () => {
    const answer = await inline('граммат');
    assert.deepEqual(
      results(answer).map((r) => r.id),
      [`f${files.book?.id}`],
    );
  });

  it('pages with next_offset', async () => {
    const first = await inline('vocabulary');
    assert.equal(results(first).length, 20);
    assert.equal(first.params.next_offset, '2');
    const second = await inline('vocabulary', '2');
    assert.equal(results(second).length, 5);
    assert.equal(second.params.next_offset, '');
    const ids = new Set([...results(first), ...results(second)].map((r) => r.id));
    assert.equal(ids.size, 25);
  });

  it('answers an empty or unmatched query with no results', async () => {
    assert.deepEqual(results(await inline('')), []);
    assert.deepEqual(results(await inline('zzzzzz')), []);
  });

  it('counts a file chosen from the results as a download by the chooser', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Chooser', language_code: 'en' });
    const update = emu.inlineQuery(user, 'grammar book');
    const answer = await emu.waitForCall(
      'answerInlineQuery',
      (c) => c.params.inline_query_id === update.inline_query?.id,
    );
    assert.ok(answer.ok, answer.error?.description);
    const book = files.book;
    assert.ok(book);
    emu.chooseInlineResult(user, update, `f${book.id}`);
    const row = await eventually(
      () =>
        db.selectFrom('downloads').selectAll().where('file_id', '=', book.id).executeTakeFirst(),
      'the download to be recorded',
    );
    assert.equal(row.user_id, user.id);
    const counted = await db
      .selectFrom('files')
      .select('downloads_count')
      .where('id', '=', book.id)
      .executeTakeFirstOrThrow();
    assert.equal(counted.downloads_count, 1);
  });

  it('drops a deleted file at once', async () => {
    assert.ok(files.film && (await deleteFile(db, files.film.id)));
    const ids = results(await inline('grammar')).map((r) => r.id);
    assert.equal(ids.length, 3);
    assert.ok(!ids.includes(`f${files.film.id}`));
  });
});
