import type { Insertable, Updateable } from 'kysely';
import type { Db } from './database.js';
import type { AdminAccount, AdminAccountsTable } from './schema.js';

/** An account as the API shows it: no hash, no token version. */
export type AccountView = Pick<AdminAccount, 'id' | 'username' | 'role'> & {
  disabled: boolean;
  createdAt: number;
};

export function accountView(row: AdminAccount): AccountView {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    disabled: row.disabled_at !== null,
    createdAt: row.created_at,
  };
}

export function findAccount(db: Db, id: number): Promise<AdminAccount | undefined> {
  return db.selectFrom('admin_accounts').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findAccountByUsername(db: Db, username: string): Promise<AdminAccount | undefined> {
  return db
    .selectFrom('admin_accounts')
    .selectAll()
    .where('username', '=', username)
    .executeTakeFirst();
}

/** Adds an account; false when the username is taken (also by a concurrent insert). */
export async function insertAccount(
  db: Db,
  account: Insertable<AdminAccountsTable>,
): Promise<AdminAccount | undefined> {
  return db
    .insertInto('admin_accounts')
    .values(account)
    .onConflict((oc) => oc.column('username').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** Changes an account; `revoke` also raises its token version, ending its tokens. */
export async function updateAccount(
  db: Db,
  id: number,
  change: Updateable<AdminAccountsTable>,
  revoke: boolean,
): Promise<AdminAccount | undefined> {
  return db
    .updateTable('admin_accounts')
    .set((eb) => ({
      ...change,
      updated_at: Date.now(),
      ...(revoke ? { token_version: eb('token_version', '+', 1) } : {}),
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
