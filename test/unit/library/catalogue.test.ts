import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { downloadsPerDay, recordDownload } from '../../../src/db/downloads.js';
import { addFile, deleteFile, type NewFile } from '../../../src/db/files.js';
import type { LibraryFile } from '../../../src/db/schema.js';
import { setBlocked, touchUser } from '../../../src/db/users.js';
import { deliveryFor, libraryStats } from '../../../src/library/catalogue.js';

const MB = 1024 * 1024;
const DAY = 24 * 3600_000;

function file(n: number, overrides: Partial<NewFile> = {}): NewFile {
  return {
    file_id: `file-${n}`,
    file_unique_id: `unique-${n}`,
    file_name: null,
    mime_type: null,
    title: `File ${n}`,
    type: 'document',
    size: 1000,
    added_by: null,
    ...overrides,
  };
}

/** A download recorded at a given time, as one from before today would have been. */
async function downloadedAt(db: Db, fileId: number, at: number): Promise<void> {
  await db
    .insertInto('downloads')
    .values({ user_id: 1, file_id: fileId, created_at: at })
    .execute();
  await db
    .updateTable('files')
    .set((eb) => ({ downloads_count: eb('downloads_count', '+', 1) }))
    .where('id', '=', fileId)
    .execute();
}

describe('catalogue', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase(':memory:');
  });
  after(() => db.destroy());

  it('counts users, files and downloads for /stats', async () => {
    const empty = await libraryStats(db);
    assert.deepEqual(empty, {
      users: { total: 0, active: 0, blocked: 0 },
      files: 0,
      downloads: { total: 0, today: 0 },
      top: [],
    });

    const now = Date.now();
    for (const id of [1, 2, 3, 4]) await touchUser(db, { id, is_bot: false, first_name: 'U' });
    await setBlocked(db, 2, true);
    await db
      .updateTable('users')
      .set({ last_seen_at: now - 8 * DAY })
      .where('id', '=', 4)
      .execute();
    const files: LibraryFile[] = [];
    for (let n = 1; n <= 7; n++) files.push(await addFile(db, file(n)));
    // File n is downloaded n - 1 times; file 7's downloads were all two days ago.
    for (const [index, row] of files.entries()) {
      for (let i = 0; i < index; i++) {
        if (index < 6) await recordDownload(db, 1, row.id);
        else await downloadedAt(db, row.id, now - 2 * DAY);
      }
    }

    const stats = await libraryStats(db, now);
    assert.deepEqual(stats.users, { total: 4, active: 3, blocked: 1 });
    assert.equal(stats.files, 7);
    assert.deepEqual(stats.downloads, { total: 21, today: 15 });
    assert.deepEqual(
      stats.top.map((top) => [top.title, top.downloads]),
      [
        ['File 7', 6],
        ['File 6', 5],
        ['File 5', 4],
        ['File 4', 3],
        ['File 3', 2],
      ],
    );

    // Per UTC day, zero-filled, today last; deleting a file keeps the downloads it had.
    const today = new Date(now).toISOString().slice(0, 10);
    const twoDaysAgo = new Date(now - 2 * DAY).toISOString().slice(0, 10);
    const perDay = await downloadsPerDay(db, 3, now);
    assert.deepEqual(
      perDay.map((day) => [day.date, day.downloads]),
      [
        [twoDaysAgo, 6],
        [new Date(now - DAY).toISOString().slice(0, 10), 0],
        [today, 15],
      ],
    );
    await deleteFile(db, files[6]?.id ?? 0);
    await setBlocked(db, 2, false);
    const after = await libraryStats(db, now);
    assert.deepEqual([after.files, after.downloads.total, after.users.blocked], [6, 21, 0]);
    assert.deepEqual(await downloadsPerDay(db, 3, now), perDay);
  });

  describe('what a download sends', () => {
    const row = (overrides: Partial<LibraryFile>): LibraryFile => ({
      id: 1,
      file_id: 'original',
      processed_file_id: null,
      processed_file_unique_id: null,
      processed_type: null,
      file_unique_id: 'u',
      file_name: 'a.pdf',
      mime_type: null,
      title: 'A',
      type: 'document',
      size: 1000,
      thumbnail_file_id: null,
      tags: '',
      added_by: null,
      downloads_count: 0,
      created_at: 0,
      updated_at: 0,
      ...overrides,
    });
    const processing = (result: LibraryFile | undefined) => {
      const asked: number[] = [];
      return {
        asked,
        ensureProcessed: async (id: number) => {
          asked.push(id);
          return result;
        },
      };
    };

    it('the processed copy when there is one', async () => {
      const jobs = processing(undefined);
      const delivery = await deliveryFor(row({ processed_file_id: 'copy' }), jobs, false);
      assert.equal(delivery?.fileId, 'copy');
      assert.deepEqual(jobs.asked, []);
    });

    it('the original of a file beyond the limits, without processing', async () => {
      const jobs = processing(undefined);
      const big = row({ size: 30 * MB });
      assert.equal((await deliveryFor(big, jobs, false))?.fileId, 'original');
      assert.deepEqual(jobs.asked, []);
    });

    it('a copy made now for a file within the limits (local mode lifts them)', async () => {
      const jobs = processing(row({ size: 30 * MB, processed_file_id: 'fresh' }));
      const delivery = await deliveryFor(row({ size: 30 * MB }), jobs, true);
      assert.equal(delivery?.fileId, 'fresh');
      assert.deepEqual(jobs.asked, [1]);
    });

    it('the original when processing could not make a copy', async () => {
      const jobs = processing(row({}));
      assert.equal((await deliveryFor(row({}), jobs, false))?.fileId, 'original');
    });

    it('nothing when the file was deleted meanwhile', async () => {
      assert.equal(await deliveryFor(row({}), processing(undefined), false), undefined);
    });
  });
});
