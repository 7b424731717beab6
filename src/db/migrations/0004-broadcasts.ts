import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export async function up(db: Kysely<any>): Promise<void> {
  // A broadcast is a draft until an admin confirms it; then its recipients are taken and it
  // is queued for the broadcast actor. The admin HTTP API adds rows the same way.
  await db.schema
    .createTable('broadcasts')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('draft', 'queued', 'running', 'done', 'cancelled')`),
    )
    .addColumn('created_by', 'integer')
    .addColumn('text', 'text')
    .addColumn('entities', 'text')
    .addColumn('from_chat_id', 'integer')
    .addColumn('message_id', 'integer')
    .addColumn('status_chat_id', 'integer')
    .addColumn('status_message_id', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .addColumn('started_at', 'integer')
    .addColumn('finished_at', 'integer')
    .addCheckConstraint('broadcast_content', sql`text IS NOT NULL OR message_id IS NOT NULL`)
    .execute();

  await db.schema
    .createTable('broadcast_recipients')
    .addColumn('broadcast_id', 'integer', (c) =>
      c.notNull().references('broadcasts.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('pending')
        .check(sql`status IN ('pending', 'sent', 'blocked', 'failed')`),
    )
    .addColumn('error', 'text')
    .addColumn('updated_at', 'integer')
    .addPrimaryKeyConstraint('broadcast_recipients_pk', ['broadcast_id', 'user_id'])
    .execute();
  await db.schema
    .createIndex('broadcast_recipients_status')
    .on('broadcast_recipients')
    .columns(['broadcast_id', 'status'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('broadcast_recipients').execute();
  await db.schema.dropTable('broadcasts').execute();
}
