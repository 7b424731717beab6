import type { User as TelegramUser } from 'grammy/types';
import type { Db } from './database.js';
import type { User } from './schema.js';

/** Records that a Telegram user was seen now: creates them or refreshes their profile. */
export async function touchUser(db: Db, from: TelegramUser): Promise<User> {
  const profile = {
    username: from.username ?? null,
    first_name: from.first_name,
    last_name: from.last_name ?? null,
    language_code: from.language_code ?? null,
    last_seen_at: Date.now(),
  };
  return db
    .insertInto('users')
    .values({ id: from.id, ...profile })
    .onConflict((oc) => oc.column('id').doUpdateSet(profile))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findUser(db: Db, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setLanguage(db: Db, id: number, language: string): Promise<void> {
  await db.updateTable('users').set({ language }).where('id', '=', id).execute();
}

/** Marks that the user blocked the bot (`blocked` true) or unblocked it. */
export async function setBlocked(db: Db, id: number, blocked: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ blocked_at: blocked ? Date.now() : null })
    .where('id', '=', id)
    .execute();
}

export async function setBanned(db: Db, id: number, banned: boolean): Promise<void> {
  await db
    .updateTable('users')
    .set({ banned_at: banned ? Date.now() : null })
    .where('id', '=', id)
    .execute();
}
