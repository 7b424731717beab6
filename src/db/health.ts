import type { Db } from './database.js';
import type { HealthCheck, HealthChecksTable } from './schema.js';

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

export async function recentHealth(db: Db, limit: number): Promise<HealthCheck[]> {
  return db.selectFrom('health_checks').selectAll().orderBy('id', 'desc').limit(limit).execute();
}
