import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('users')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('username', 'text')
    .addColumn('first_name', 'text', (c) => c.notNull())
    .addColumn('last_name', 'text')
    .addColumn('language_code', 'text')
    .addColumn('language', 'text')
    .addColumn('banned_at', 'integer')
    .addColumn('blocked_at', 'integer')
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .addColumn('last_seen_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('files')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('file_id', 'text', (c) => c.notNull().unique())
    .addColumn('processed_file_id', 'text')
    .addColumn('file_unique_id', 'text', (c) => c.notNull().unique())
    .addColumn('file_name', 'text')
    .addColumn('mime_type', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) =>
      c.notNull().check(sql`type IN ('document', 'audio', 'video')`),
    )
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('thumbnail_file_id', 'text')
    .addColumn('tags', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('added_by', 'integer')
    .addColumn('downloads_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('downloads')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id'))
    .addColumn('file_id', 'integer', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('downloads_file').on('downloads').column('file_id').execute();
  await db.schema.createIndex('downloads_created').on('downloads').column('created_at').execute();

  await db.schema
    .createTable('settings')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'integer', (c) => c.notNull().defaultTo(now))
    .execute();

  await db.schema
    .createTable('health_checks')
    .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('context', 'text')
    .execute();
  await db.schema
    .createIndex('health_checks_created')
    .on('health_checks')
    .column('created_at')
    .execute();

  // Pending requests to join a force-subscribe channel; they count as joined.
  await db.schema
    .createTable('join_requests')
    .addColumn('chat_id', 'integer', (c) => c.notNull())
    .addColumn('user_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'integer', (c) => c.notNull().defaultTo(now))
    .addPrimaryKeyConstraint('join_requests_pk', ['chat_id', 'user_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'join_requests',
    'health_checks',
    'settings',
    'downloads',
    'files',
    'users',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
