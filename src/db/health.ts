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

/** Deletes events from before `before` (Unix ms), so an error loop cannot fill the disk. */
export async function pruneHealth(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('health_checks')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
