import type { Transaction } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';

/** One change made through the admin API. */
export interface AuditInput {
  accountId: number;
  /** What was done, `<objectType>.<verb>` (e.g. `files.update`). */
  action: string;
  objectType: string;
  objectId: string | number | null;
  /** The object before and after the change; undefined or null when there is none. */
  before: unknown;
  after: unknown;
}

/** An audit row as the API lists it, before/after parsed back from JSON. */
export interface AuditRecord {
  id: number;
  accountId: number;
  username: string;
  action: string;
  objectType: string;
  objectId: string | null;
  before: unknown;
  after: unknown;
  createdAt: number;
}

const json = (value: unknown) =>
  value === undefined || value === null ? null : JSON.stringify(value);

/** Writes an audit row; pass the transaction of the change so both land or neither. */
export async function recordAudit(
  db: Db | Transaction<Database>,
  entry: AuditInput,
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      account_id: entry.accountId,
      action: entry.action,
      object_type: entry.objectType,
      object_id: entry.objectId === null ? null : String(entry.objectId),
      before: json(entry.before),
      after: json(entry.after),
      created_at: Date.now(),
    })
    .execute();
}

/** The audit log, newest first, a page at a time. */
export async function listAudit(
  db: Db,
  page: { limit: number; offset: number },
): Promise<{ items: AuditRecord[]; total: number }> {
  const rows = await db
    .selectFrom('audit_log')
    .innerJoin('admin_accounts', 'admin_accounts.id', 'audit_log.account_id')
    .select([
      'audit_log.id',
      'audit_log.account_id',
      'admin_accounts.username',
      'audit_log.action',
      'audit_log.object_type',
      'audit_log.object_id',
      'audit_log.before',
      'audit_log.after',
      'audit_log.created_at',
    ])
    .orderBy('audit_log.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  const { total } = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  return {
    total,
    items: rows.map((row) => ({
      id: row.id,
      accountId: row.account_id,
      username: row.username,
      action: row.action,
      objectType: row.object_type,
      objectId: row.object_id,
      before: row.before === null ? null : JSON.parse(row.before),
      after: row.after === null ? null : JSON.parse(row.after),
      createdAt: row.created_at,
    })),
  };
}
