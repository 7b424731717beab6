import type { Db } from './database.js';
import type { HealthChecksTable } from './schema.js';

export interface HealthEvent {
  level: HealthChecksTable['level'];
  source: string;
  message: string;
  context?: Record<string, unknown>;
}

export async function recordHealth(db: Db, event: HealthEvent): Promise<void> {
  await db
    .insertInto('health_checks')
    .values({
      level: event.level,
      source: event.source,
      message: event.message,
      context: event.context ? JSON.stringify(event.context) : null,
    })
    .execute();
}

/**
 * The messages of the newest handler errors (source 'bot') since `since` (Unix ms), newest
 * first, at most `limit`: counting a storm stops at the threshold instead of reading it all.
 */
export async function recentBotErrors(db: Db, since: number, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('health_checks')
    .select('message')
    .where('created_at', '>=', since)
    .where('source', '=', 'bot')
    .where('level', '=', 'error')
    .orderBy('created_at', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => row.message);
}

/** Deletes events from before `before` (Unix ms), so an error loop cannot fill the disk. */
export async function pruneHealth(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('health_checks')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** A health event as the API lists it, its context parsed back from JSON. */
export interface HealthRecord {
  id: number;
  level: HealthChecksTable['level'];
  source: string;
  message: string;
  context: unknown;
  createdAt: number;
}

/** The health events, newest first, a page at a time. */
export async function listHealth(
  db: Db,
  page: { limit: number; offset: number },
): Promise<{ items: HealthRecord[]; total: number }> {
  const rows = await db
    .selectFrom('health_checks')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('health_checks')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return {
    total,
    items: rows.map((row) => ({
      id: row.id,
      level: row.level,
      source: row.source,
      message: row.message,
      context: row.context === null ? null : JSON.parse(row.context),
      createdAt: row.created_at,
    })),
  };
}
