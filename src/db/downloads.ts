import type { Db } from './database.js';

/**
 * Records that a user downloaded a file and adds one to the file's downloads_count, both or
 * neither (one transaction). Returns false, recording nothing, when the file is gone.
 */
export async function recordDownload(db: Db, userId: number, fileId: number): Promise<boolean> {
  if (!db.isTransaction) {
    return db.transaction().execute((trx) => recordDownload(trx, userId, fileId));
  }
  // The increment happens in SQL, so concurrent downloads never lose a count; updating first
  // tells a deleted file apart before the insert would trip its foreign key.
  const counted = await db
    .updateTable('files')
    .set((eb) => ({ downloads_count: eb('downloads_count', '+', 1) }))
    .where('id', '=', fileId)
    .executeTakeFirst();
  if (counted.numUpdatedRows === 0n) return false;
  await db.insertInto('downloads').values({ user_id: userId, file_id: fileId }).execute();
  return true;
}
