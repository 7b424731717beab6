import type { User as TelegramUser } from 'grammy/types';
import { type ExpressionBuilder, sql } from 'kysely';
import { readCounter } from './counters.js';
import type { Db } from './database.js';
import type { Database, User } from './schema.js';

/** Users a message can reach: not banned by an admin, not known to have blocked the bot. */
export function reachable(eb: ExpressionBuilder<Database, 'users'>) {
  return eb.and([eb('banned_at', 'is', null), eb('blocked_at', 'is', null)]);
}

/**
 * Records that a Telegram user was seen now: creates them or refreshes their profile. A
 * user who `wrote` a message can be reached: a blocked mark is cleared (the my_chat_member
 * update of their unblocking may have been lost while the bot was down).
 */
export async function touchUser(
  db: Db,
  from: TelegramUser,
  { wrote = false }: { wrote?: boolean } = {},
): Promise<User> {
  const profile = {
    username: from.username ?? null,
    first_name: from.first_name,
    last_name: from.last_name ?? null,
    language_code: from.language_code ?? null,
    last_seen_at: Date.now(),
    ...(wrote ? { blocked_at: null } : {}),
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

/** active: can be reached; blocked: blocked the bot; banned: an admin banned them. */
export type UserStatus = 'active' | 'blocked' | 'banned';

/**
 * One page of users, the most recently seen first, and how many match in all. `q` matches the
 * start of a username or name, or a user id exactly.
 */
export async function listUsers(
  db: Db,
  filter: { q?: string; status?: UserStatus; limit: number; offset: number },
): Promise<{ items: User[]; total: number }> {
  let query = db.selectFrom('users');
  if (filter.status === 'banned') query = query.where('banned_at', 'is not', null);
  if (filter.status === 'blocked') {
    query = query.where('blocked_at', 'is not', null).where('banned_at', 'is', null);
  }
  if (filter.status === 'active') query = query.where(reachable);
  const q = filter.q?.trim().replace(/^@/, '');
  if (q) {
    // LIKE's wildcards in what was typed are taken literally.
    const prefix = `${q.replace(/[\\%_]/g, '\\$&')}%`;
    query = query.where((eb) =>
      eb.or([
        eb('username', 'like', sql<string>`${prefix} ESCAPE '\\'`),
        eb('first_name', 'like', sql<string>`${prefix} ESCAPE '\\'`),
        eb('last_name', 'like', sql<string>`${prefix} ESCAPE '\\'`),
        ...(/^\d{1,15}$/.test(q) ? [eb('id', '=', Number(q))] : []),
      ]),
    );
  }
  // Every user's count is kept by triggers; only a filter needs counting.
  const total =
    filter.status || q
      ? (await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow())
          .total
      : await readCounter(db, 'users');
  const items = await query
    .selectAll()
    .orderBy('last_seen_at', 'desc')
    .orderBy('id')
    .limit(filter.limit)
    .offset(filter.offset)
    .execute();
  return { items, total };
}
