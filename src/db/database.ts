import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  Migrator,
  SqliteDialect,
  type SqliteDialectConfig,
  SqliteDriver,
} from 'kysely';
import { migrations } from './migrations/index.js';
import type { Database } from './schema.js';

export type Db = Kysely<Database>;

/**
 * Opens the SQLite file with the pragmas a bot and an API process sharing it need (WAL so
 * readers never block the writer, a busy timeout instead of SQLITE_BUSY errors, enforced
 * foreign keys), then brings the schema up to date.
 */
export async function openDatabase(file: string): Promise<Db> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('synchronous = NORMAL');
  // 64 MiB of page cache (SQLite's default is 2 MiB): at a million files the database is half
  // a gigabyte, and a search reads up to a thousand rows spread across it.
  sqlite.pragma('cache_size = -65536');
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: sqlite }) });
  try {
    // Kysely's SQLite migrator takes no lock: processes starting together on one file (the
    // bot and the API under PM2) would each run the same migration. One write transaction
    // around them all makes the others wait, then find nothing left to do.
    sqlite.exec('BEGIN IMMEDIATE');
    await migrate(db);
    sqlite.exec('COMMIT');
  } catch (error) {
    if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
    await db.destroy();
    throw error;
  }
  return db;
}

async function migrate(db: Db): Promise<void> {
  const { error } = await new Migrator({ db, provider: migrations }).migrateToLatest();
  if (error) throw error;
}

/**
 * Transactions take the write lock when they begin (BEGIN IMMEDIATE), waiting for it within
 * the busy timeout. A plain BEGIN reads first and asks for the lock at its first write: when
 * another process (the bot, an API instance) wrote in between, SQLite then fails at once with
 * "database is locked" instead of waiting, since the transaction's reads are stale.
 */
class ImmediateSqliteDialect extends SqliteDialect {
  constructor(private readonly config: SqliteDialectConfig) {
    super(config);
  }

  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.config);
  }
}

class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}
