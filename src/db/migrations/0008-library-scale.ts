import { type Kysely, sql } from 'kysely';

// Frozen: never edit a migration that has shipped; add a new one.

const DAY_MS = 86_400_000;

const bump = (name: string, by: string) =>
  `UPDATE counters SET value = value + (${by}) WHERE name = '${name}';`;
const TRIGGERS: Record<string, string> = {
  counters_users_insert: `AFTER INSERT ON users BEGIN ${bump('users', '1')}
    ${bump('users_blocked', 'new.blocked_at IS NOT NULL')} END`,
  counters_users_delete: `AFTER DELETE ON users BEGIN ${bump('users', '-1')}
    ${bump('users_blocked', '-(old.blocked_at IS NOT NULL)')} END`,
  counters_users_blocked: `AFTER UPDATE OF blocked_at ON users BEGIN
    ${bump('users_blocked', '(new.blocked_at IS NOT NULL) - (old.blocked_at IS NOT NULL)')} END`,
  counters_files_insert: `AFTER INSERT ON files BEGIN ${bump('files', '1')} END`,
  counters_files_delete: `AFTER DELETE ON files BEGIN ${bump('files', '-1')} END`,
  // Downloads only ever add: folding old rows or deleting a file keeps the totals.
  counters_downloads_insert: `AFTER INSERT ON downloads BEGIN ${bump('downloads', '1')}
    INSERT INTO download_days (day, count) VALUES (new.created_at / ${DAY_MS}, 1)
      ON CONFLICT (day) DO UPDATE SET count = count + 1; END`,
};

// Statistics read counters and small aggregates that triggers keep in step, so /stats and the
// admin API answer in constant time however many files and downloads there are; and download
// rows past their retention are folded into per-file daily counts instead of kept for ever.
export async function up(db: Kysely<any>): Promise<void> {
  await indexPrefixes(db, '2 3 4 5 6 7 8');
  await db.schema
    .createTable('counters')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'integer', (c) => c.notNull())
    .execute();
  await sql`
    INSERT INTO counters (name, value) VALUES
      ('users', (SELECT count(*) FROM users)),
      ('users_blocked', (SELECT count(*) FROM users WHERE blocked_at IS NOT NULL)),
      ('files', (SELECT count(*) FROM files)),
      ('downloads', (SELECT count(*) FROM downloads))
  `.execute(db);
  // Downloads of the whole library per UTC day (day = Unix ms / 86,400,000).
  await db.schema
    .createTable('download_days')
    .addColumn('day', 'integer', (c) => c.primaryKey())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();
  await sql`
    INSERT INTO download_days (day, count)
    SELECT created_at / ${sql.lit(DAY_MS)}, count(*) FROM downloads GROUP BY 1
  `.execute(db);
  for (const [name, body] of Object.entries(TRIGGERS)) {
    await sql.raw(`CREATE TRIGGER ${name} ${body}`).execute(db);
  }

  // Download rows older than the retention, folded into counts per file and UTC day.
  await db.schema
    .createTable('download_history')
    .addColumn('file_id', 'integer', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('day', 'integer', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('download_history_pk', ['file_id', 'day'])
    .modifyEnd(sql`WITHOUT ROWID`)
    .execute();

  // The top files and the users active this week, read off an index instead of a scan.
  await sql`CREATE INDEX files_downloads ON files (downloads_count DESC, id)`.execute(db);
  await db.schema.createIndex('users_last_seen').on('users').column('last_seen_at').execute();
  await db.schema
    .createIndex('join_requests_created')
    .on('join_requests')
    .column('created_at')
    .execute();

  // What a broadcast's recipients came to, kept when their rows are pruned.
  for (const column of ['sent_count', 'blocked_count', 'failed_count']) {
    await db.schema.alterTable('broadcasts').addColumn(column, 'integer').execute();
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  await indexPrefixes(db, '2 3');
  for (const column of ['failed_count', 'blocked_count', 'sent_count']) {
    await db.schema.alterTable('broadcasts').dropColumn(column).execute();
  }
  for (const index of ['join_requests_created', 'users_last_seen', 'files_downloads']) {
    await db.schema.dropIndex(index).execute();
  }
  for (const trigger of Object.keys(TRIGGERS)) {
    await sql`DROP TRIGGER ${sql.id(trigger)}`.execute(db);
  }
  for (const table of ['download_history', 'download_days', 'counters']) {
    await db.schema.dropTable(table).execute();
  }
}

// A prefix query ("gram"*) without an index of its own length makes FTS5 merge the entries of
// every word with that prefix before returning the first row: tens of milliseconds for a
// common prefix at a million files. With an index per length from 2 to 8 characters it reads
// one list lazily and stops at the search's limit; search cuts longer words to 8 characters
// for the index and checks the rest itself. The index and its triggers are made again as
// migration 0002 made them, but for the prefix lengths.
async function indexPrefixes(db: Kysely<any>, prefixes: string): Promise<void> {
  for (const trigger of ['files_fts_update', 'files_fts_delete', 'files_fts_insert']) {
    await sql`DROP TRIGGER ${sql.id(trigger)}`.execute(db);
  }
  await sql`DROP TABLE files_fts`.execute(db);
  await sql`
    CREATE VIRTUAL TABLE files_fts USING fts5(
      search_title, search_tags,
      content = 'files', content_rowid = 'id',
      tokenize = 'unicode61 remove_diacritics 2',
      prefix = ${sql.lit(prefixes)}
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
