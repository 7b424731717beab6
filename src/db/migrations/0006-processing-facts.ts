import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // What Telegram answered for a file's processed copy: its file_unique_id, so the copy sent
  // back to /upload is known, and its kind, since sendAudio/sendVideo answer with a document
  // for formats Telegram cannot play and the copy must then be sent as one.
  await db.schema.alterTable('files').addColumn('processed_file_unique_id', 'text').execute();
  await db.schema
    .alterTable('files')
    .addColumn('processed_type', 'text', (c) =>
      c.check(sql`processed_type IN ('document', 'audio', 'video')`),
    )
    .execute();
  await db.schema
    .createIndex('files_processed_file_unique_id')
    .on('files')
    .column('processed_file_unique_id')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('files_processed_file_unique_id').execute();
  await db.schema.alterTable('files').dropColumn('processed_type').execute();
  await db.schema.alterTable('files').dropColumn('processed_file_unique_id').execute();
}
