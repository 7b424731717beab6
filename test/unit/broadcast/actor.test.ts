import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Api } from 'grammy';
import { sql } from 'kysely';
import pino from 'pino';
import { BroadcastActor } from '../../../src/broadcast/actor.js';
import { confirmBroadcast, countRecipients, createDraft } from '../../../src/db/broadcasts.js';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { createMetrics, type Metrics } from '../../../src/ops/metrics.js';
import { eventually } from '../../e2e/harness.js';
import { networkError } from '../network-error.js';

/**
 * An Api that never touches the network: `fail` may throw for a send (by recipient and
 * attempt number); every other send succeeds. Counts the sends each recipient got.
 */
function fakeApi(fail: (chatId: number, attempt: number) => Error | undefined) {
  const api = new Api('1:fake');
  const attempts = new Map<number, number>();
  api.config.use(async (_prev, method, payload) => {
    // The actor's probe after a failed send: Telegram answers.
    if (method === 'getMe') return { ok: true, result: { id: 1, is_bot: true } } as never;
    assert.equal(method, 'sendMessage');
    const chatId = Number((payload as { chat_id: number }).chat_id);
    const attempt = (attempts.get(chatId) ?? 0) + 1;
    attempts.set(chatId, attempt);
    const error = fail(chatId, attempt);
    if (error) throw error;
    // Only the call's success matters to the actor, not the message it returns.
    return { ok: true, result: { message_id: attempt } } as never;
  });
  return { api, attempts };
}

describe('broadcast actor', () => {
  let db: Db;
  let actor: BroadcastActor | undefined;
  let metrics: Metrics;
  const errors: string[] = [];
  const logger = pino(
    { level: 'error' },
    { write: (line: string) => errors.push(JSON.parse(line).msg as string) },
  );

  beforeEach(async () => {
    db = await openDatabase(':memory:');
    metrics = createMetrics();
    errors.length = 0;
    await db
      .insertInto('users')
      .values([1, 2, 3, 4].map((id) => ({ id, first_name: 'Learner' })))
      .execute();
  });
  afterEach(async () => {
    await actor?.stop();
    actor = undefined;
    await db.destroy();
  });

  async function run(api: Api): Promise<number> {
    const id = await createDraft(db, 1, { text: 'Hello' });
    assert.equal(await confirmBroadcast(db, id, { chatId: 1, messageId: 1 }), 4);
    actor = new BroadcastActor({
      db,
      api,
      logger,
      metrics,
      rate: 100,
      paid: false,
      report: async () => undefined,
      pollMs: 20,
    });
    actor.start();
    return id;
  }

  const status = async (id: number) =>
    (
      await db
        .selectFrom('broadcasts')
        .select('status')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).status;

  async function finished(id: number): Promise<void> {
    await eventually(async () => (await status(id)) === 'done', 'the broadcast to finish', 20_000);
  }

  /** The broadcast messages counted, by outcome. */
  async function counted(): Promise<Record<string, number>> {
    const { values } = await metrics.broadcastMessages.get();
    return Object.fromEntries(values.map(({ labels, value }) => [String(labels.outcome), value]));
  }

  const recipient = (id: number, userId: number) =>
    db
      .selectFrom('broadcast_recipients')
      .select(['status', 'error'])
      .where('broadcast_id', '=', id)
      .where('user_id', '=', userId)
      .executeTakeFirstOrThrow();

  it('never repeats a send that timed out or lost its connection, and records it as unknown', async () => {
    const { api, attempts } = fakeApi((chatId, attempt) => {
      if (attempt > 1) return undefined;
      if (chatId === 2) return new Error("Request to 'sendMessage' timed out after 5 seconds");
      if (chatId === 3) return networkError('socket hang up', 'ECONNRESET');
      return undefined;
    });
    const id = await run(api);
    await finished(id);
    assert.equal(attempts.get(2), 1);
    assert.equal(attempts.get(3), 1);
    assert.equal((await recipient(id, 2)).status, 'unknown');
    assert.equal((await recipient(id, 3)).status, 'unknown');
    assert.deepEqual(await countRecipients(db, id), {
      pending: 0,
      sent: 2,
      blocked: 0,
      failed: 0,
      unknown: 2,
    });
    assert.deepEqual(await counted(), { sent: 2, unknown: 2 });
  });

  it('retries a send that provably never reached Telegram', async () => {
    const { api, attempts } = fakeApi((chatId, attempt) =>
      chatId === 2 && attempt === 1
        ? networkError('connect ECONNREFUSED 127.0.0.1:443', 'ECONNREFUSED')
        : undefined,
    );
    const id = await run(api);
    await finished(id);
    assert.equal(attempts.get(2), 2);
    assert.equal((await recipient(id, 2)).status, 'sent');
  });

  it('logs and retries a database error inside a group, finishing only when none is pending', async () => {
    // The database refuses to record user 3's outcome until the trigger is dropped.
    await sql`CREATE TRIGGER refuse_3 BEFORE UPDATE ON broadcast_recipients
      WHEN NEW.user_id = 3 BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END`.execute(db);
    const { api, attempts } = fakeApi(() => undefined);
    const id = await run(api);
    await eventually(() => errors.length > 0, 'the database error to be logged', 10_000);
    assert.equal(await status(id), 'running');
    await sql`DROP TRIGGER refuse_3`.execute(db);
    await finished(id);
    assert.equal(attempts.get(3), 1, 'the recorded send is not repeated');
    assert.equal((await recipient(id, 3)).status, 'sent');
    assert.equal(errors[0], 'could not record broadcast outcomes');
    // Counted once recorded: the group's failed transactions counted nothing.
    assert.deepEqual(await counted(), { sent: 4 });
    assert.equal((await metrics.broadcastRate.get()).values[0]?.value, 0);
  });
});
