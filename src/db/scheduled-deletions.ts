import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import type { ScheduledDeletionsTable } from './schema.js';

/** A message the bot must delete at `delete_at` (Unix ms). */
export type ScheduledDeletion = Selectable<ScheduledDeletionsTable>;

/** Remembers that a message must be deleted at `deleteAt` (Unix ms). */
export async function scheduleDeletion(
  db: Db,
  chatId: number,
  messageId: number,
  deleteAt: number,
): Promise<void> {
  await db
    .insertInto('scheduled_deletions')
    .values({ chat_id: chatId, message_id: messageId, delete_at: deleteAt })
    .execute();
}

/** Up to `limit` deletions due at `now`, the longest overdue first. */
export async function dueDeletions(
  db: Db,
  now: number,
  limit: number,
): Promise<ScheduledDeletion[]> {
  return db
    .selectFrom('scheduled_deletions')
    .selectAll()
    .where('delete_at', '<=', now)
    .orderBy('delete_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/** Forgets deletions that are done (or can never be done). */
export async function removeDeletions(db: Db, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('scheduled_deletions').where('id', 'in', ids).execute();
}

/** Moves a deletion that failed for now to a later time, with the failed tries so far. */
export async function postponeDeletion(
  db: Db,
  id: number,
  deleteAt: number,
  attempts: number,
): Promise<void> {
  await db
    .updateTable('scheduled_deletions')
    .set({ delete_at: deleteAt, attempts })
    .where('id', '=', id)
    .execute();
}
