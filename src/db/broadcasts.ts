import { sql } from 'kysely';
import type { Db } from './database.js';
import type { Broadcast, BroadcastRecipientsTable } from './schema.js';
import { reachable } from './users.js';

/** What a send made of a recipient (the statuses an update may write). */
export type RecipientStatus = BroadcastRecipientsTable['status']['__update__'];

/** What a broadcast sends: a text with its formatting, or a copy of a message. */
export type BroadcastContent =
  | { text: string; entities?: unknown[]; parseMode?: NonNullable<Broadcast['parse_mode']> }
  | { fromChatId: number; messageId: number };

/** Adds a broadcast awaiting the admin's confirmation; returns its id. */
export async function createDraft(
  db: Db,
  createdBy: number,
  content: BroadcastContent,
): Promise<number> {
  const row = await db
    .insertInto('broadcasts')
    .values({ status: 'draft', created_by: createdBy, ...contentColumns(content) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * Adds a broadcast that is sent at once (the admin API has no draft step): the row, queued,
 * and its recipients (the audience at this moment), in one transaction.
 */
export async function queueBroadcast(db: Db, content: BroadcastContent): Promise<Broadcast> {
  if (!db.isTransaction) return db.transaction().execute((trx) => queueBroadcast(trx, content));
  const broadcast = await db
    .insertInto('broadcasts')
    .values({ status: 'queued', ...contentColumns(content) })
    .returningAll()
    .executeTakeFirstOrThrow();
  await takeRecipients(db, broadcast.id);
  return broadcast;
}

function contentColumns(content: BroadcastContent) {
  return 'text' in content
    ? {
        text: content.text,
        entities: content.entities ? JSON.stringify(content.entities) : null,
        parse_mode: content.parseMode ?? null,
      }
    : { from_chat_id: content.fromChatId, message_id: content.messageId };
}

/** Makes every user a broadcast can reach now one of its recipients; returns how many. */
async function takeRecipients(trx: Db, id: number): Promise<number> {
  const taken = await trx
    .insertInto('broadcast_recipients')
    .columns(['broadcast_id', 'user_id'])
    .expression((eb) =>
      eb
        .selectFrom('users')
        .select([sql<number>`${id}`.as('broadcast_id'), 'id'])
        .where(reachable),
    )
    .executeTakeFirst();
  return Number(taken.numInsertedOrUpdatedRows ?? 0);
}

/** One page of broadcasts, newest first, and how many there are. */
export async function listBroadcasts(
  db: Db,
  page: { limit: number; offset: number },
): Promise<{ items: Broadcast[]; total: number }> {
  const { total } = await db
    .selectFrom('broadcasts')
    .select((eb) => eb.fn.countAll<number>().as('total'))
    .executeTakeFirstOrThrow();
  const items = await db
    .selectFrom('broadcasts')
    .selectAll()
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total };
}

/** Users a broadcast would reach now: not banned, not known to have blocked the bot. */
export async function countAudience(db: Db): Promise<number> {
  const row = await db
    .selectFrom('users')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where(reachable)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Confirms a draft: takes its recipients (the audience at this moment) and queues it, in one
 * transaction. Returns the number of recipients, or undefined when it is no longer a draft.
 */
export async function confirmBroadcast(
  db: Db,
  id: number,
  status: { chatId: number; messageId: number },
): Promise<number | undefined> {
  return db.transaction().execute(async (trx) => {
    const queued = await trx
      .updateTable('broadcasts')
      .set({ status: 'queued', status_chat_id: status.chatId, status_message_id: status.messageId })
      .where('id', '=', id)
      .where('status', '=', 'draft')
      .executeTakeFirst();
    if (Number(queued.numUpdatedRows) === 0) return undefined;
    return takeRecipients(trx, id);
  });
}

/** Drops a draft the admin declined; false when it was not a draft any more. */
export async function dropDraft(db: Db, id: number): Promise<boolean> {
  const result = await db
    .deleteFrom('broadcasts')
    .where('id', '=', id)
    .where('status', '=', 'draft')
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/**
 * Takes the broadcast to send next: one left running by a crash first, else the oldest
 * queued one; it is marked running.
 */
export async function claimBroadcast(db: Db): Promise<Broadcast | undefined> {
  const next = db
    .selectFrom('broadcasts')
    .select('id')
    .where('status', 'in', ['running', 'queued'])
    .orderBy(sql`status = 'running'`, 'desc')
    .orderBy('id')
    .limit(1);
  return db
    .updateTable('broadcasts')
    .set({ status: 'running', started_at: sql`coalesce(started_at, ${Date.now()})` })
    .where('id', '=', next)
    .returningAll()
    .executeTakeFirst();
}

export async function findBroadcast(db: Db, id: number): Promise<Broadcast | undefined> {
  return db.selectFrom('broadcasts').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The newest broadcast that is queued or being sent, if any. */
export async function activeBroadcast(db: Db): Promise<Broadcast | undefined> {
  return db
    .selectFrom('broadcasts')
    .selectAll()
    .where('status', 'in', ['queued', 'running'])
    .orderBy('id', 'desc')
    .executeTakeFirst();
}

/** Cancels a queued or running broadcast; false when it was neither. */
export async function cancelBroadcast(db: Db, id: number): Promise<boolean> {
  const result = await db
    .updateTable('broadcasts')
    .set({ status: 'cancelled', finished_at: Date.now() })
    .where('id', '=', id)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function finishBroadcast(db: Db, id: number): Promise<void> {
  await db
    .updateTable('broadcasts')
    .set({ status: 'done', finished_at: Date.now() })
    .where('id', '=', id)
    .where('status', '=', 'running')
    .execute();
}

/** The next recipients still pending, in user id order after `afterUserId`. */
export async function pendingRecipients(
  db: Db,
  broadcastId: number,
  afterUserId: number,
  limit: number,
): Promise<number[]> {
  const rows = await db
    .selectFrom('broadcast_recipients')
    .select('user_id')
    .where('broadcast_id', '=', broadcastId)
    .where('status', '=', 'pending')
    .where('user_id', '>', afterUserId)
    .orderBy('user_id')
    .limit(limit)
    .execute();
  return rows.map((row) => row.user_id);
}

export async function markRecipient(
  db: Db,
  broadcastId: number,
  userId: number,
  status: RecipientStatus,
  error: string | null = null,
): Promise<void> {
  await db
    .updateTable('broadcast_recipients')
    .set({ status, error, updated_at: Date.now() })
    .where('broadcast_id', '=', broadcastId)
    .where('user_id', '=', userId)
    .execute();
}

export type BroadcastCounts = Record<BroadcastRecipientsTable['status']['__select__'], number>;

/** Every recipient, whatever their status. */
export function totalRecipients(counts: BroadcastCounts): number {
  return Object.values(counts).reduce((sum, count) => sum + count, 0);
}

/**
 * How a broadcast's recipients stand. Give the row when you hold it: the counts pruned
 * recipients left on it are then read without another query.
 */
export async function countRecipients(
  db: Db,
  broadcast: number | Broadcast,
): Promise<BroadcastCounts> {
  const broadcastId = typeof broadcast === 'number' ? broadcast : broadcast.id;
  const kept =
    typeof broadcast === 'number'
      ? await db
          .selectFrom('broadcasts')
          .select(['sent_count', 'blocked_count', 'failed_count', 'unknown_count'])
          .where('id', '=', broadcastId)
          .executeTakeFirst()
      : broadcast;
  // Pruned recipients left their counts on the broadcast.
  if (kept && kept.sent_count !== null) {
    return {
      pending: 0,
      sent: kept.sent_count,
      blocked: kept.blocked_count ?? 0,
      failed: kept.failed_count ?? 0,
      unknown: kept.unknown_count ?? 0,
    };
  }
  const rows = await db
    .selectFrom('broadcast_recipients')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('broadcast_id', '=', broadcastId)
    .groupBy('status')
    .execute();
  const counts: BroadcastCounts = { pending: 0, sent: 0, blocked: 0, failed: 0, unknown: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/** Deletes drafts created before `before` (Unix ms) and never sent; returns how many. */
export async function expireDrafts(db: Db, before: number): Promise<number> {
  const result = await db
    .deleteFrom('broadcasts')
    .where('status', '=', 'draft')
    .where('created_at', '<', before)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * Prunes the recipient rows of one broadcast that finished (done or cancelled) before `before`
 * (Unix ms), up to `limit` rows, after keeping their counts on the broadcast. Returns how many
 * rows it deleted: 0 when no finished broadcast has recipients left to prune.
 */
export async function pruneRecipients(db: Db, before: number, limit: number): Promise<number> {
  if (!db.isTransaction) {
    return db.transaction().execute((trx) => pruneRecipients(trx, before, limit));
  }
  const finished = await db
    .selectFrom('broadcasts')
    .select(['id', 'sent_count'])
    .where('status', 'in', ['done', 'cancelled'])
    .where('finished_at', '<', before)
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('broadcast_recipients')
          .select('user_id')
          .whereRef('broadcast_recipients.broadcast_id', '=', 'broadcasts.id'),
      ),
    )
    .orderBy('id')
    .executeTakeFirst();
  if (!finished) return 0;
  if (finished.sent_count === null) {
    const counts = await countRecipients(db, finished.id);
    await db
      .updateTable('broadcasts')
      .set({
        sent_count: counts.sent,
        blocked_count: counts.blocked,
        failed_count: counts.failed,
        unknown_count: counts.unknown,
      })
      .where('id', '=', finished.id)
      .execute();
  }
  const result = await db
    .deleteFrom('broadcast_recipients')
    .where('broadcast_id', '=', finished.id)
    .where(
      'user_id',
      'in',
      db
        .selectFrom('broadcast_recipients')
        .select('user_id')
        .where('broadcast_id', '=', finished.id)
        .limit(limit),
    )
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
