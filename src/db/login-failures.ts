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
  const lockedSince = await Promise.all([
    nthLatestFailure(db, 'username', username, perUsername, now - windowMs),
    nthLatestFailure(db, 'address', address, perAddress, now - windowMs),
  ]);
  return Math.max(0, Math.max(...lockedSince) + windowMs - now);
}

/** When the key's `n`th latest failure after `since` happened; 0 if it has fewer. */
async function nthLatestFailure(
  db: Db,
  column: 'username' | 'address',
  value: string,
  n: number,
  since: number,
): Promise<number> {
  const row = await db
    .selectFrom('login_failures')
    .select('created_at')
    .where(column, '=', value)
    .where('created_at', '>', since)
    .orderBy('created_at', 'desc')
    .offset(n - 1)
    .limit(1)
    .executeTakeFirst();
  return row?.created_at ?? 0;
}

/**
 * Starts a password check for `username` from `address`: refused (the ms to wait) while they
 * are locked, else counted as a failure until it succeeds (clearLoginFailures). Checking and
 * counting are one transaction, so guesses sent in parallel cannot all pass a check made
 * before any of them failed. Rows older than the window go at the same time.
 */
export async function beginLoginAttempt(
  db: Db,
  username: string,
  address: string,
  now: number,
): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const wait = await loginLockRemaining(trx, username, address, now);
    if (wait > 0) return wait;
    await trx
      .deleteFrom('login_failures')
      .where('created_at', '<=', now - LOGIN_LOCKOUT.windowMs)
      .execute();
    await trx.insertInto('login_failures').values({ username, address, created_at: now }).execute();
    return 0;
  });
}

/** A right password forgets the username's failures (not the address's). */
export async function clearLoginFailures(db: Db, username: string): Promise<void> {
  await db.deleteFrom('login_failures').where('username', '=', username).execute();
}
