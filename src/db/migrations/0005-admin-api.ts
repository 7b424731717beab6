import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export async function up(db: Kysely<any>): Promise<void> {
  // Accounts of the admin HTTP API. token_version is in every token: raising it (new
  // password, new role, disabled) makes the account's earlier tokens invalid.
  await db.schema
    .createTable('admin_accounts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('role', 'text', (c) =>
      c.notNull().check(sql`role IN ('superadmin', 'admin', 'editor', 'viewer')`),
    )
    .addColumn('disabled_at', 'integer')
    .addColumn('token_version', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();

  // Every change made through the API: who, what, which object, before and after (JSON).
  await db.schema
    .createTable('audit_log')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('admin_accounts.id'))
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('object_type', 'text', (c) => c.notNull())
    .addColumn('object_id', 'text')
    .addColumn('before', 'text')
    .addColumn('after', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();

  // Failed logins, in the database so that every API process counts the same ones.
  await db.schema
    .createTable('login_failures')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('login_failures_username')
    .on('login_failures')
    .columns(['username', 'created_at'])
    .execute();
  await db.schema
    .createIndex('login_failures_address')
    .on('login_failures')
    .columns(['address', 'created_at'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('login_failures').execute();
  await db.schema.dropTable('audit_log').execute();
  await db.schema.dropTable('admin_accounts').execute();
}
