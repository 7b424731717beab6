import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import SQLite from 'better-sqlite3';
import { checkIntegrity } from './database.js';

const PREFIX = 'primelingo-';
const SUFFIX = '.sqlite';

/** `primelingo-<UTC time>.sqlite`: names sort in the order the backups were taken. */
export function backupName(now = new Date()): string {
  return `${PREFIX}${now.toISOString().replace(/[:.]/g, '-')}${SUFFIX}`;
}

/**
 * Copies the database file `source` to `target` with SQLite's online backup while other
 * processes go on writing, then checks the copy (`PRAGMA integrity_check`) before it takes its
 * name, so a file at `target` is always a whole, sound backup.
 */
export async function backupDatabase(source: string, target: string): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const partial = `${target}.part`;
  await rm(partial, { force: true });
  const sqlite = new SQLite(source, { fileMustExist: true });
  try {
    sqlite.pragma('busy_timeout = 5000');
    // Every page in one step, under one read transaction: a consistent snapshot. In steps,
    // every write the bot makes meanwhile would restart the copy from the first page.
    await sqlite.backup(partial, { progress: () => 0x7fffffff });
  } finally {
    sqlite.close();
  }
  const copy = new SQLite(partial);
  try {
    // A single self-contained file: restoring it is one copy, with no -wal beside it.
    copy.pragma('journal_mode = DELETE');
    checkIntegrity(copy, 'integrity_check');
  } finally {
    copy.close();
  }
  await rename(partial, target);
}

/** Deletes all but the newest `keep` backups in `dir`; returns the names deleted. */
export async function pruneBackups(dir: string, keep: number): Promise<string[]> {
  const names = (await readdir(dir))
    .filter((name) => name.startsWith(PREFIX) && name.endsWith(SUFFIX))
    .sort();
  const old = names.slice(0, Math.max(0, names.length - keep));
  for (const name of old) await rm(join(dir, name), { force: true });
  return old;
}
