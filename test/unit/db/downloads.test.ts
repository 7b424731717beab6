import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { recordDownload } from '../../../src/db/downloads.js';
import { addFile, deleteFile, findFile } from '../../../src/db/files.js';
import { touchUser } from '../../../src/db/users.js';

describe('downloads repository', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase(':memory:');
    await touchUser(db, { id: 7, is_bot: false, first_name: 'Lola' });
  });
  after(() => db.destroy());

  let n = 0;
  const newFile = () => {
    n++;
    return addFile(db, {
      file_id: `file-${n}`,
      file_unique_id: `unique-${n}`,
      file_name: null,
      mime_type: null,
      title: `File ${n}`,
      type: 'document',
      size: 10,
      added_by: null,
    });
  };
  const rows = async (fileId: number) =>
    (await db.selectFrom('downloads').selectAll().where('file_id', '=', fileId).execute()).length;

  it('records the download and counts it on the file', async () => {
    const file = await newFile();
    assert.equal(await recordDownload(db, 7, file.id), true);
    assert.equal((await findFile(db, file.id))?.downloads_count, 1);
    const [row] = await db.selectFrom('downloads').selectAll().execute();
    assert.equal(row?.user_id, 7);
    assert.equal(row?.file_id, file.id);
  });

  it('counts concurrent downloads exactly', async () => {
    const file = await newFile();
    await Promise.all(Array.from({ length: 50 }, () => recordDownload(db, 7, file.id)));
    assert.equal((await findFile(db, file.id))?.downloads_count, 50);
    assert.equal(await rows(file.id), 50);
  });

  it('records nothing for a deleted file', async () => {
    const file = await newFile();
    await deleteFile(db, file.id);
    assert.equal(await recordDownload(db, 7, file.id), false);
    assert.equal(await rows(file.id), 0);
  });

  it('counts both or neither: a failed insert undoes the increment', async () => {
    const file = await newFile();
    // User 404 does not exist: the downloads row breaks its foreign key after the increment.
    await assert.rejects(recordDownload(db, 404, file.id), /FOREIGN KEY/);
    assert.equal((await findFile(db, file.id))?.downloads_count, 0);
    assert.equal(await rows(file.id), 0);
  });

  it('schedules the sent message deletion in the same transaction', async () => {
    const file = await newFile();
    const deletions = () =>
      db.selectFrom('scheduled_deletions').select(['chat_id', 'message_id', 'delete_at']).execute();
    const plan = { chatId: 7, messageId: 41, deleteAt: 1_000 };
    await assert.rejects(recordDownload(db, 404, file.id, plan), /FOREIGN KEY/);
    assert.deepEqual(await deletions(), [], 'a failed record schedules nothing');
    assert.equal(await recordDownload(db, 7, file.id, plan), true);
    assert.deepEqual(await deletions(), [{ chat_id: 7, message_id: 41, delete_at: 1_000 }]);
    await deleteFile(db, file.id);
    assert.equal(await recordDownload(db, 7, file.id, { ...plan, messageId: 42 }), false);
    assert.deepEqual(
      (await deletions()).map((row) => row.message_id),
      [41, 42],
      'a file deleted meanwhile is not counted, but its message is still deleted',
    );
  });
});
