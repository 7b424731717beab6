import type { Db } from './database.js';

/** Remembers that a user asked to join a channel (a chat_join_request update). */
export async function addJoinRequest(db: Db, chatId: number, userId: number): Promise<void> {
  await db
    .insertInto('join_requests')
    .values({ chat_id: chatId, user_id: userId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function hasJoinRequest(db: Db, chatId: number, userId: number): Promise<boolean> {
  const row = await db
    .selectFrom('join_requests')
    .select('user_id')
    .where('chat_id', '=', chatId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row !== undefined;
}
