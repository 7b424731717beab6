import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // The bot process's heartbeat (one row per process kind, 'bot'), which the API's readiness
  // reads: the two processes share nothing but the database.
  await db.schema
    .createTable('heartbeats')
    .addColumn('name', 'text', (col) => col.primaryKey())
    .addColumn('telegram_at', 'integer')
    .addColumn('pool_accepting', 'integer', (col) => col.notNull())
    .addColumn('pool_busy', 'integer', (col) => col.notNull())
    .addColumn('pool_queued', 'integer', (col) => col.notNull())
    .addColumn('broadcast_id', 'integer')
    .addColumn('version', 'text', (col) => col.notNull())
    .addColumn('started_at', 'integer', (col) => col.notNull())
    .addColumn('updated_at', 'integer', (col) => col.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('heartbeats').execute();
}
