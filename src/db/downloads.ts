import { sql } from 'kysely';
import { DAY_MS } from '../time.js';
import type { Db } from './database.js';
import { scheduleDeletion } from './scheduled-deletions.js';

/** A sent file's message to delete later (AUTO_DELETE_MINUTES); `deleteAt` in Unix ms. */
export interface DeletionPlan {
  chatId: number;
  messageId: number;
  deleteAt: number;
}

/**
 * Records that a user downloaded a file and adds one to the file's downloads_count, and
 * schedules the sent message's `deletion` if any: all or nothing (one transaction), so no
 * crash in between leaves a protected file that is never deleted. Returns false when the
 * file is gone: nothing is counted, but the deletion is still scheduled.
 */
export async function recordDownload(
  db: Db,
  userId: number,
  fileId: number,
  deletion?: DeletionPlan,
): Promise<boolean> {
  if (!db.isTransaction) {
    return db.transaction().execute((trx) => recordDownload(trx, userId, fileId, deletion));
  }
  if (deletion) await scheduleDeletion(db, deletion.chatId, deletion.messageId, deletion.deleteAt);
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

/**
 * Downloads per day over the last `days` days (today included, UTC), oldest first, with the
 * days without downloads as zeros. Reads the per-day counts a trigger keeps (migration 0008),
 * so it costs the same at ten million downloads and outlives the downloads retention.
 */
export async function downloadsPerDay(
  db: Db,
  days: number,
  now = Date.now(),
): Promise<{ date: string; downloads: number }[]> {
  const today = Math.floor(now / DAY_MS);
  const first = today - days + 1;
  const rows = await db
    .selectFrom('download_days')
    .select(['day', 'count'])
    .where('day', '>=', first)
    .where('day', '<=', today)
    .execute();
  const byDay = new Map(rows.map((row) => [row.day, row.count]));
  return Array.from({ length: days }, (_, index) => {
    const day = first + index;
    return {
      date: new Date(day * DAY_MS).toISOString().slice(0, 10),
      downloads: byDay.get(day) ?? 0,
    };
  });
}

/**
 * Folds up to `limit` download rows older than `before` (Unix ms) into download_history's
 * per-file, per-UTC-day counts, in one transaction; returns how many rows it folded. Call it
 * until it folds fewer than `limit`: small batches keep each write short.
 */
export async function foldDownloads(db: Db, before: number, limit: number): Promise<number> {
  if (!db.isTransaction)
    return db.transaction().execute((trx) => foldDownloads(trx, before, limit));
  const oldest = db
    .selectFrom('downloads')
    .select('id')
    .where('created_at', '<', before)
    .orderBy('created_at')
    .limit(limit);
  await db
    .insertInto('download_history')
    .columns(['file_id', 'day', 'count'])
    .expression((eb) =>
      eb
        .selectFrom('downloads')
        .select([
          'file_id',
          sql<number>`created_at / ${sql.lit(DAY_MS)}`.as('day'),
          (eb) => eb.fn.countAll<number>().as('count'),
        ])
        .where('id', 'in', oldest)
        .groupBy(['file_id', 'day']),
    )
    .onConflict((oc) =>
      oc.columns(['file_id', 'day']).doUpdateSet({ count: sql`count + excluded.count` }),
    )
    .execute();
  const folded = await db.deleteFrom('downloads').where('id', 'in', oldest).executeTakeFirst();
  return Number(folded.numDeletedRows);
}
