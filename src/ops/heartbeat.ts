import SQLite from 'better-sqlite3';
import type { Selectable } from 'kysely';
import type { Db } from '../db/database.js';
import type { HeartbeatsTable } from '../db/schema.js';

type Heartbeat = Selectable<HeartbeatsTable>;

/**
 * How old things may be, from HEARTBEAT_SECONDS (default 5): the heartbeat counts as down after
 * 6 beats (30 s), Telegram as unreachable after 12 (60 s) without a successful getUpdates.
 */
export function readinessWindows(heartbeatMs: number) {
  return { staleMs: heartbeatMs * 6, telegramMs: heartbeatMs * 12 };
}

/** Writes the bot process's heartbeat row. */
export async function writeHeartbeat(db: Db, beat: Omit<Heartbeat, 'name'>): Promise<void> {
  await db
    .insertInto('heartbeats')
    .values({ name: 'bot', ...beat })
    .onConflict((oc) => oc.column('name').doUpdateSet(beat))
    .execute();
}

export type PartState = 'up' | 'down' | 'unknown';

export interface Readiness {
  ready: boolean;
  /** The parts that are down. */
  failing: string[];
  database: { state: PartState };
  bot: {
    state: PartState;
    heartbeatAgeSeconds: number | null;
    version: string | null;
    uptimeSeconds: number | null;
    broadcastId: number | null;
  };
  telegram: { state: PartState; lastContactAgeSeconds: number | null };
  pool: { state: PartState; busy: number | null; queued: number | null };
}

/**
 * Reads the heartbeat through a connection of its own, opened for this check: a database file
 * that is gone, replaced or unreadable fails here, where the process's long-open handle would
 * go on answering from the old file.
 */
export function probeDatabase(file: string): Heartbeat | undefined {
  const sqlite = new SQLite(file, { readonly: true, fileMustExist: true, timeout: 2000 });
  try {
    return sqlite.prepare('select * from heartbeats where name = ?').get('bot') as
      | Heartbeat
      | undefined;
  } finally {
    sqlite.close();
  }
}

/** The state of each part from the database probe and the bot's heartbeat. */
export function assessReadiness(
  probe: () => Heartbeat | undefined,
  heartbeatMs: number,
  now = Date.now(),
): Readiness {
  const windows = readinessWindows(heartbeatMs);
  let database: PartState = 'up';
  let beat: Heartbeat | undefined;
  try {
    beat = probe();
  } catch {
    database = 'down';
  }
  const age = (at: number | null | undefined) =>
    at === null || at === undefined ? null : Math.max(0, Math.round((now - at) / 1000));
  const alive = beat !== undefined && now - beat.updated_at <= windows.staleMs;
  const known = (up: boolean): PartState =>
    database === 'down' || !alive ? 'unknown' : up ? 'up' : 'down';
  const readiness: Omit<Readiness, 'ready' | 'failing'> = {
    database: { state: database },
    bot: {
      state: database === 'down' ? 'unknown' : alive ? 'up' : 'down',
      heartbeatAgeSeconds: age(beat?.updated_at),
      version: beat?.version ?? null,
      uptimeSeconds: beat ? Math.round((beat.updated_at - beat.started_at) / 1000) : null,
      broadcastId: beat?.broadcast_id ?? null,
    },
    telegram: {
      state: known(beat?.telegram_at != null && now - beat.telegram_at <= windows.telegramMs),
      lastContactAgeSeconds: age(beat?.telegram_at),
    },
    pool: {
      state: known(beat?.pool_accepting === 1),
      busy: beat?.pool_busy ?? null,
      queued: beat?.pool_queued ?? null,
    },
  };
  const parts = ['database', 'bot', 'telegram', 'pool'] as const;
  return {
    ready: parts.every((part) => readiness[part].state === 'up'),
    failing: parts.filter((part) => readiness[part].state === 'down'),
    ...readiness,
  };
}
