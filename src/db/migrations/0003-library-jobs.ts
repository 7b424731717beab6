import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export async function up(db: Kysely<any>): Promise<void> {
  // Durable processing jobs: one per library file. A job left 'running' by a crash is
  // picked up again at the next start.
  await db.schema
    .createTable('processing_jobs')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('file_id', 'integer', (c) =>
      c.notNull().unique().references('files.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status IN ('queued', 'running', 'done', 'original', 'failed')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('run_after', 'integer', (c) => c.notNull().defaultTo(now))
    .addColumn('notify_chat_id', 'integer')
    .addColumn('result', 'text')
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema
    .createIndex('processing_jobs_due')
    .on('processing_jobs')
    .columns(['status', 'run_after'])
    .execute();

  // Messages the bot must delete later (AUTO_DELETE_MINUTES); kept here to survive restarts.
  await db.schema
    .createTable('scheduled_deletions')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('chat_id', 'integer', (c) => c.notNull())
    .addColumn('message_id', 'integer', (c) => c.notNull())
    .addColumn('delete_at', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('scheduled_deletions_due')
    .on('scheduled_deletions')
    .column('delete_at')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('scheduled_deletions').execute();
  await db.schema.dropTable('processing_jobs').execute();
}
