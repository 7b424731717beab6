import type { Db } from './database.js';

/** Failed logins that lock a username, and an address, for the rest of the window. */
export const LOGIN_LOCKOUT = { perUsername: 5, perAddress: 20, windowMs: 15 * 60_000 };

/**
 * How long logins for `username` or from `address` are refused, in ms (0: not locked).
 * A key is locked while it has its limit of failures within the last window, that is until
 * the oldest of them is a window old. Counted in the database, so every process agrees.
 */
export async function loginLockRemaining(
  db: Db,
  username: string,
  address: string,
  now: number,
): Promise<number> {
  const { perUsername, perAddress, windowMs } = LOGIN_LOCKOUT;
  const since = now - windowMs;
  const [byUsername, byAddress] = await Promise.all([
    db
      .selectFrom('login_failures')
      .select('created_at')
      .where('username', '=', username)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .offset(perUsername - 1)
      .limit(1)
      .executeTakeFirst(),
    db
      .selectFrom('login_failures')
      .select('created_at')
      .where('address', '=', address)
      .where('created_at', '>', since)
      .orderBy('created_at', 'desc')
      .offset(perAddress - 1)
      .limit(1)
      .executeTakeFirst(),
  ]);
  const until = Math.max(byUsername?.created_at ?? 0, byAddress?.created_at ?? 0) + windowMs;
  return Math.max(0, until - now);
}

/** Counts a failed login; rows older than the window go at the same time. */
export async function recordLoginFailure(
  db: Db,
  username: string,
  address: string,
  now: number,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .deleteFrom('login_failures')
      .where('created_at', '<=', now - LOGIN_LOCKOUT.windowMs)
      .execute();
    await trx.insertInto('login_failures').values({ username, address, created_at: now }).execute();
  });
}

/** A successful login forgets the username's failures (not the address's). */
export async function clearLoginFailures(db: Db, username: string): Promise<void> {
  await db.deleteFrom('login_failures').where('username', '=', username).execute();
}
