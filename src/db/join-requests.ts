import type { Db } from './database.js';

/**
 * Remembers that a user asked to join a channel (a chat_join_request update); asking again
 * refreshes the request.
 */
export async function addJoinRequest(db: Db, chatId: number, userId: number): Promise<void> {
  await db
    .insertInto('join_requests')
    .values({ chat_id: chatId, user_id: userId })
    .onConflict((oc) => oc.columns(['chat_id', 'user_id']).doUpdateSet({ created_at: Date.now() }))
    .execute();
}

/** A request left unanswered for a week no longer counts as joined. */
const PENDING_FOR_MS = 7 * 24 * 3600_000;

/** Whether the user has a recent, unsettled request to join the chat. */
export async function hasJoinRequest(db: Db, chatId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('join_requests')
    .select('user_id')
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .where('created_at', '>', Date.now() - PENDING_FOR_MS)
    .executeTakeFirst();
  return row !== undefined;
}

/** Forgets a request once it is settled (the user joined, or was removed). */
export async function removeJoinRequest(db: Db, chatId: number, userId: number): Promise<void> {
  await db
    .deleteFrom('join_requests')
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .execute();
}

/** Forgets requests made before `before` (Unix ms); returns how many. */
export async function pruneJoinRequests(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('join_requests')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
