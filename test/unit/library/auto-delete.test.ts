import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GrammyError, HttpError } from 'grammy';
import pino from 'pino';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { dueDeletions, scheduleDeletion } from '../../../src/db/scheduled-deletions.js';
import { AutoDelete, type AutoDeleteDeps } from '../../../src/library/auto-delete.js';

const logger = pino({ level: 'silent' });

describe('auto-delete', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase(':memory:');
  });
  after(() => db.destroy());

  const all = () => db.selectFrom('scheduled_deletions').selectAll().orderBy('id').execute();
  const clear = () => db.deleteFrom('scheduled_deletions').execute();

  function scheduler(overrides: Partial<AutoDeleteDeps> = {}) {
    const deleted: string[] = [];
    const deleter = new AutoDelete({
      db,
      logger,
      deleteMessage: async (chatId, messageId) => {
        deleted.push(`${chatId}/${messageId}`);
      },
      ...overrides,
    });
    return { deleter, deleted };
  }

  it('deletes the due messages and keeps the rest for later', async () => {
    await clear();
    const now = Date.now();
    await scheduleDeletion(db, 1, 10, now - 5000);
    await scheduleDeletion(db, 1, 11, now - 1);
    await scheduleDeletion(db, 2, 20, now + 60_000);
    const { deleter, deleted } = scheduler({ now: () => now });
    assert.equal(await deleter.runOnce(), 2);
    assert.deepEqual(deleted, ['1/10', '1/11']);
    assert.deepEqual(
      (await all()).map((row) => row.message_id),
      [20],
    );
  });

  it('clears a backlog larger than one batch', async () => {
    await clear();
    const now = Date.now();
    for (let i = 0; i < 250; i++) await scheduleDeletion(db, 3, i, now - i);
    const { deleter, deleted } = scheduler({ now: () => now });
    assert.equal(await deleter.runOnce(), 250);
    assert.equal(new Set(deleted).size, 250);
    assert.deepEqual(await all(), []);
  });

  it('postpones a deletion that failed, without holding up the others', async () => {
    await clear();
    const now = Date.now();
    await scheduleDeletion(db, 4, 1, now - 10);
    await scheduleDeletion(db, 4, 2, now - 5);
    const { deleter } = scheduler({
      now: () => now,
      retryDelayMs: 30_000,
      deleteMessage: async (_chat, message) => {
        if (message === 1) throw new Error('network down');
      },
    });
    assert.equal(await deleter.runOnce(), 1);
    const [left] = await all();
    assert.equal(left?.message_id, 1);
    assert.equal(left?.delete_at, now + 30_000);
    assert.deepEqual(await dueDeletions(db, now, 10), []);
  });

  it('gives up a deletion Telegram keeps refusing after three tries', async () => {
    await clear();
    let now = Date.now();
    await scheduleDeletion(db, 6, 1, now - 1);
    const refused = new GrammyError(
      "Call to 'deleteMessage' failed! (400: Bad Request: MESSAGE_ID_INVALID)",
      { ok: false, error_code: 400, description: 'Bad Request: MESSAGE_ID_INVALID' },
      'deleteMessage',
      {},
    );
    let tries = 0;
    const { deleter } = scheduler({
      now: () => now,
      retryDelayMs: 1000,
      deleteMessage: async () => {
        tries++;
        throw refused;
      },
    });
    assert.equal(await deleter.runOnce(), 0);
    now += 1000;
    assert.equal(await deleter.runOnce(), 0);
    assert.equal((await all())[0]?.attempts, 2);
    now += 1000;
    assert.equal(await deleter.runOnce(), 1);
    now += 60_000;
    assert.equal(await deleter.runOnce(), 0);
    assert.equal(tries, 3);
    assert.deepEqual(await all(), []);
  });

  it('keeps trying after network errors, counting them', async () => {
    await clear();
    let now = Date.now();
    await scheduleDeletion(db, 7, 1, now - 1);
    const { deleter } = scheduler({
      now: () => now,
      retryDelayMs: 1000,
      deleteMessage: async () => {
        throw new HttpError('Network request failed!', new Error('socket hang up'));
      },
    });
    for (let i = 0; i < 5; i++) {
      assert.equal(await deleter.runOnce(), 0);
      now += 1000;
    }
    assert.equal((await all())[0]?.attempts, 5);
  });

  it('on start, deletes what fell due while it was stopped, then keeps polling', async () => {
    await clear();
    await scheduleDeletion(db, 5, 1, Date.now() - 60_000);
    const { deleter, deleted } = scheduler({ intervalMs: 20 });
    deleter.start();
    try {
      await waitFor(() => deleted.includes('5/1'));
      await scheduleDeletion(db, 5, 2, Date.now() + 50);
      await waitFor(() => deleted.includes('5/2'));
    } finally {
      await deleter.stop();
    }
    assert.deepEqual(await all(), []);
    // Stopped: nothing more happens.
    await scheduleDeletion(db, 5, 3, Date.now() - 1);
    await new Promise((resolve) => setTimeout(resolve, 60));
    assert.ok(!deleted.includes('5/3'));
  });
});

async function waitFor(probe: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
