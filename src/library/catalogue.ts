import { setTimeout as delay } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Db } from '../db/database.js';
import { downloadsPerDay } from '../db/downloads.js';
import type { FileKind, LibraryFile } from '../db/schema.js';
import { DAY_MS } from '../time.js';
import type { Processing } from './jobs.js';
import { canProcess } from './limits.js';

/** The figures admins see with /stats and the admin API serves. */
export interface LibraryStats {
  users: {
    total: number;
    /** Seen in the last 7 days. */
    active: number;
    /** Have blocked the bot (as last known). */
    blocked: number;
  };
  files: number;
  downloads: {
    /** Ever, including those of files deleted since. */
    total: number;
    /** Since midnight UTC. */
    today: number;
  };
  /** The most downloaded files, at most 5, only files downloaded at least once. */
  top: { id: number; title: string; downloads: number }[];
}

/**
 * Counts users, files and downloads for /stats and the admin API; `now` is Unix ms. Reads
 * counters the database keeps up to date and indexes, never whole tables, so it takes
 * milliseconds at a million files and ten million downloads.
 */
export async function libraryStats(db: Db, now = Date.now()): Promise<LibraryStats> {
  const counters = await db.selectFrom('counters').select(['name', 'value']).execute();
  const counter = (name: string) => counters.find((row) => row.name === name)?.value ?? 0;
  const active = await db
    .selectFrom('users')
    .select(sql<number>`count(*)`.as('count'))
    .where('last_seen_at', '>=', now - 7 * DAY_MS)
    .executeTakeFirstOrThrow();
  const [today] = await downloadsPerDay(db, 1, now);
  const top = await db
    .selectFrom('files')
    .select(['id', 'title', 'downloads_count as downloads'])
    .where('downloads_count', '>', 0)
    .orderBy('downloads_count', 'desc')
    .orderBy('id')
    .limit(5)
    .execute();
  return {
    users: { total: counter('users'), active: active.count, blocked: counter('users_blocked') },
    files: counter('files'),
    downloads: { total: counter('downloads'), today: today?.downloads ?? 0 },
    top,
  };
}

const PROCESSING_WAIT_MS = 60_000;

/** A Telegram file to send, and the kind of it, which says the method (sendAudio, ...). */
export interface Sendable {
  fileId: string;
  kind: FileKind;
}

/** What a download sends: the file as it now is, and the Telegram file to send. */
export interface Delivery extends Sendable {
  file: LibraryFile;
}

/**
 * The Telegram file a user gets for a library file: the processed copy when there is one,
 * as the kind Telegram made of it (a document, for formats sendAudio/sendVideo cannot play),
 * else the original.
 */
export function sendable(file: LibraryFile): Sendable {
  return file.processed_file_id
    ? { fileId: file.processed_file_id, kind: file.processed_type ?? file.type }
    : { fileId: file.file_id, kind: file.type };
}

/**
 * Chooses what a download sends: the processed copy (renamed, with the thumbnail) when there
 * is one; the original when the file is beyond the Bot API limits, which processing could not
 * change; else a copy processed now through the worker pool, waited for up to a minute, or
 * the original if that failed or takes longer. Undefined when the file was deleted meanwhile.
 */
export async function deliveryFor(
  file: LibraryFile,
  processing: Pick<Processing, 'ensureProcessed'>,
  localBotApi: boolean,
): Promise<Delivery | undefined> {
  if (file.processed_file_id || !canProcess(file.size, localBotApi).ok) {
    return { file, ...sendable(file) };
  }
  // A user waits at most this long for the copy; the job goes on either way.
  const current = await Promise.race([
    processing.ensureProcessed(file.id),
    delay(PROCESSING_WAIT_MS, file, { ref: false }),
  ]);
  if (!current) return undefined;
  return { file: current, ...sendable(current) };
}
