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
 * foreign keys), checks it is not damaged, then brings the schema up to date.
 */
export async function openDatabase(file: string): Promise<Db> {
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  const sqlite = new SQLite(file);
  try {
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('busy_timeout = 5000');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('synchronous = NORMAL');
    // 64 MiB of page cache (SQLite's default is 2 MiB): at a million files the database is half
    // a gigabyte, and a search reads up to a thousand rows spread across it.
    sqlite.pragma('cache_size = -65536');
    checkIntegrity(sqlite, 'quick_check');
  } catch (error) {
    sqlite.close();
    if (error instanceof SQLite.SqliteError && DAMAGED.has(error.code)) {
      throw new DatabaseDamagedError(file, error.message);
    }
    throw error;
  }
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

/**
 * A read-only connection to a database {@link openDatabase} made (it must exist, migrated and in
 * WAL mode, so it reads alongside the writer without blocking it), for the search threads.
 * `busyTimeoutMs` bounds the rare wait for a lock a reader needs (a WAL recovery).
 */
export function openReadOnlyDatabase(file: string, busyTimeoutMs: number): Db {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true, timeout: busyTimeoutMs });
  try {
    // As the writer's: a search reads up to a thousand rows spread across the file.
    sqlite.pragma('cache_size = -65536');
  } catch (error) {
    sqlite.close();
    throw error;
  }
  return new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
}

/** A database file SQLite cannot trust: start-up stops rather than make it worse. */
export class DatabaseDamagedError extends Error {
  constructor(file: string, detail: string) {
    super(`the database ${file} is damaged (${detail}); restore a backup (README, "Backups")`);
    this.name = 'DatabaseDamagedError';
  }
}

const DAMAGED = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/**
 * Runs `PRAGMA quick_check` (at every start: O(size) but skips the index-content checks) or
 * `integrity_check` (a backup's full check) and throws unless SQLite answers "ok".
 */
export function checkIntegrity(
  sqlite: SQLite.Database,
  check: 'quick_check' | 'integrity_check',
): void {
  const rows = sqlite.pragma(check, { simple: false }) as Record<string, string>[];
  const problems = rows.map((row) => Object.values(row)[0]).filter((line) => line !== 'ok');
  if (problems.length > 0) {
    throw new DatabaseDamagedError(
      sqlite.name,
      `PRAGMA ${check}: ${problems.slice(0, 3).join('; ')}`,
    );
  }
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
