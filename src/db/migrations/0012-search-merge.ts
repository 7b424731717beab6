import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

export async function up(db: Kysely<any>): Promise<void> {
  // Maintenance merges the search index's segments (files.ts, mergeSearchIndex): with
  // 'usermerge' 2, any two segments of one level are merged, rather than FTS5's default 4.
  await sql`INSERT INTO files_fts (files_fts, rank) VALUES ('usermerge', 2)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`INSERT INTO files_fts (files_fts, rank) VALUES ('usermerge', 4)`.execute(db);
}
