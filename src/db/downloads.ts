import { sql } from 'kysely';
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

const DAY_MS = 24 * 3600_000;

/**
 * Downloads per day over the last `days` days (today included, UTC), oldest first, with the
 * days without downloads as zeros.
 */
export async function downloadsPerDay(
  db: Db,
  days: number,
  now = Date.now(),
): Promise<{ date: string; downloads: number }[]> {
  const today = Math.floor(now / DAY_MS);
  const first = today - days + 1;
  const rows = await db
    .selectFrom('downloads')
    .select([
      sql<number>`created_at / ${sql.lit(DAY_MS)}`.as('day'),
      (eb) => eb.fn.countAll<number>().as('downloads'),
    ])
    .where('created_at', '>=', first * DAY_MS)
    .groupBy('day')
    .execute();
  const byDay = new Map(rows.map((row) => [Number(row.day), Number(row.downloads)]));
  return Array.from({ length: days }, (_, index) => {
    const day = first + index;
    return {
      date: new Date(day * DAY_MS).toISOString().slice(0, 10),
      downloads: byDay.get(day) ?? 0,
    };
  });
}
