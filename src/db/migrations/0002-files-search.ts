import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

// Normalisation (apostrophes, Cyrillic to Latin, ё/е) is JavaScript, which triggers cannot call.
// So the repository writes normalised copies of title and tags into files.search_* in the same
// statement as the raw values, and an external-content FTS5 table indexes those columns, kept in
// step by triggers: every insert, update and delete of a file changes the index inside the same
// statement, so no crash or forgotten code path can leave the two apart, and the index keeps no
// copy of the text of its own.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('files')
    .addColumn('search_title', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .alterTable('files')
    .addColumn('search_tags', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  // Rows from before this migration get their raw text (FTS still folds case); the repository's
  // reindexFiles() redoes them with the full normalisation.
  await sql`UPDATE files SET search_title = title, search_tags = replace(tags, ',', ' ')`.execute(
    db,
  );

  // remove_diacritics 2 lets "cafe" find "café"; it leaves Cyrillic letters (й, ў, ё) alone.
  // The prefix indexes make the 2- and 3-letter prefixes people type while searching cheap.
  await sql`
    CREATE VIRTUAL TABLE files_fts USING fts5(
      search_title, search_tags,
      content = 'files', content_rowid = 'id',
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = '2 3'
    )
  `.execute(db);
  await sql`
    CREATE TRIGGER files_fts_insert AFTER INSERT ON files BEGIN
      INSERT INTO files_fts (rowid, search_title, search_tags)
      VALUES (new.id, new.search_title, new.search_tags);
    END
  `.execute(db);
  await sql`
    CREATE TRIGGER files_fts_delete AFTER DELETE ON files BEGIN
      INSERT INTO files_fts (files_fts, rowid, search_title, search_tags)
      VALUES ('delete', old.id, old.search_title, old.search_tags);
    END
  `.execute(db);
  // Only the indexed columns: download counts change often and must not rewrite the index.
  await sql`
    CREATE TRIGGER files_fts_update AFTER UPDATE OF search_title, search_tags ON files BEGIN
      INSERT INTO files_fts (files_fts, rowid, search_title, search_tags)
      VALUES ('delete', old.id, old.search_title, old.search_tags);
      INSERT INTO files_fts (rowid, search_title, search_tags)
      VALUES (new.id, new.search_title, new.search_tags);
    END
  `.execute(db);
  await sql`INSERT INTO files_fts (files_fts) VALUES ('rebuild')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const trigger of ['files_fts_update', 'files_fts_delete', 'files_fts_insert']) {
    await sql`DROP TRIGGER ${sql.id(trigger)}`.execute(db);
  }
  await sql`DROP TABLE files_fts`.execute(db);
  await db.schema.alterTable('files').dropColumn('search_tags').execute();
  await db.schema.alterTable('files').dropColumn('search_title').execute();
}
