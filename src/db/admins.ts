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

/** Adds an account; undefined when the username is taken (also by a concurrent insert). */
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

/** A page of the accounts, oldest first. */
export async function listAccounts(
  db: Db,
  page: { limit: number; offset: number },
): Promise<{ items: AdminAccount[]; total: number }> {
  const items = await db
    .selectFrom('admin_accounts')
    .selectAll()
    .orderBy('id')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('admin_accounts')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return { items, total };
}

/**
 * Changes an account; `revoke` also raises its token version, ending its tokens. A change
 * that would leave no enabled superadmin is not made (undefined): the check and the write
 * are one statement, so two superadmins demoting each other at once cannot both succeed.
 */
export async function updateAccount(
  db: Db,
  id: number,
  change: Updateable<AdminAccountsTable>,
  revoke: boolean,
): Promise<AdminAccount | undefined> {
  const demotes =
    (change.role !== undefined && change.role !== 'superadmin') ||
    (change.disabled_at !== undefined && change.disabled_at !== null);
  return db
    .updateTable('admin_accounts')
    .set((eb) => ({
      ...change,
      updated_at: Date.now(),
      ...(revoke ? { token_version: eb('token_version', '+', 1) } : {}),
    }))
    .where('id', '=', id)
    .$if(demotes, (qb) =>
      qb.where((eb) =>
        eb.or([
          eb('role', '!=', 'superadmin'),
          eb('disabled_at', 'is not', null),
          eb.exists(
            eb
              .selectFrom('admin_accounts as other')
              .select('other.id')
              .where('other.role', '=', 'superadmin')
              .where('other.disabled_at', 'is', null)
              .where('other.id', '!=', id),
          ),
        ]),
      ),
    )
    .returningAll()
    .executeTakeFirst();
}
