import type { Config } from '../config.js';
import { findAccountByUsername, insertAccount } from '../db/admins.js';
import type { Db } from '../db/database.js';
import { hashPassword } from './passwords.js';

/**
 * On the first start, ADMIN_USERNAME and ADMIN_PASSWORD create a superadmin. When that
 * account exists they change nothing (reset a password with `npm run admin`). Two
 * processes starting at once insert one account: the second insert is a no-op.
 */
export async function ensureFirstAdmin(db: Db, config: Config): Promise<void> {
  const { adminUsername, adminPassword } = config.api;
  if (!adminUsername || !adminPassword) return;
  if (await findAccountByUsername(db, adminUsername)) return;
  await insertAccount(db, {
    username: adminUsername,
    password_hash: await hashPassword(adminPassword),
    role: 'superadmin',
  });
}
