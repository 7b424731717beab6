import type { Kysely } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // A text broadcast from the admin API may carry Telegram markup (HTML, MarkdownV2,
  // Markdown) instead of entities; Telegram parses it when each message is sent.
  await db.schema.alterTable('broadcasts').addColumn('parse_mode', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('broadcasts').dropColumn('parse_mode').execute();
}
