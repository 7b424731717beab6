import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // Failed deletions are counted, so one that keeps failing is given up (capped).
  await db.schema
    .alterTable('scheduled_deletions')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // 'unknown': the send may or may not have reached the user (a timeout or a connection lost
  // after the request went out). SQLite cannot alter a CHECK, so the table is rebuilt.
  await rebuildRecipients(db, sql`('pending', 'sent', 'blocked', 'failed', 'unknown')`);
  // Kept with the other counts when the recipients are pruned.
  await db.schema.alterTable('broadcasts').addColumn('unknown_count', 'integer').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('broadcasts').dropColumn('unknown_count').execute();
  await db
    .updateTable('broadcast_recipients')
    .set({ status: 'failed' })
    .where('status', '=', 'unknown')
    .execute();
  await rebuildRecipients(db, sql`('pending', 'sent', 'blocked', 'failed')`);
  await db.schema.alterTable('scheduled_deletions').dropColumn('attempts').execute();
}

async function rebuildRecipients(db: Kysely<any>, statuses: ReturnType<typeof sql>): Promise<void> {
  // Every index on the table comes back as it was, including any a later branch added.
  const indexes = await sql<{ sql: string }>`
    SELECT sql FROM sqlite_master
    WHERE type = 'index' AND tbl_name = 'broadcast_recipients' AND sql IS NOT NULL
  `.execute(db);
  await db.schema
    .createTable('broadcast_recipients_new')
    .addColumn('broadcast_id', 'integer', (c) =>
      c.notNull().references('broadcasts.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status IN ${statuses}`),
    )
    .addColumn('error', 'text')
    .addColumn('updated_at', 'integer')
    .addPrimaryKeyConstraint('broadcast_recipients_pk', ['broadcast_id', 'user_id'])
    .execute();
  await sql`INSERT INTO broadcast_recipients_new (broadcast_id, user_id, status, error, updated_at) SELECT broadcast_id, user_id, status, error, updated_at FROM broadcast_recipients`.execute(
    db,
  );
  await db.schema.dropTable('broadcast_recipients').execute();
  await db.schema.alterTable('broadcast_recipients_new').renameTo('broadcast_recipients').execute();
  for (const index of indexes.rows) await sql.raw(index.sql).execute(db);
}
