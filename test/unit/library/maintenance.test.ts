import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { sql } from 'kysely';
import pino from 'pino';
import type { Retention } from '../../../src/config.js';
import {
  confirmBroadcast,
  countRecipients,
  createDraft,
  findBroadcast,
  finishBroadcast,
  markRecipient,
} from '../../../src/db/broadcasts.js';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { downloadsPerDay } from '../../../src/db/downloads.js';
import { addFile } from '../../../src/db/files.js';
import { recordHealth } from '../../../src/db/health.js';
import { addJoinRequest, hasJoinRequest } from '../../../src/db/join-requests.js';
import { touchUser } from '../../../src/db/users.js';
import { libraryStats } from '../../../src/library/catalogue.js';
import { Maintenance } from '../../../src/library/maintenance.js';
import { searchFiles } from '../../../src/library/search.js';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const RETENTION: Retention = {
  downloads: 90 * DAY,
  broadcastRecipients: 30 * DAY,
  broadcastDrafts: 24 * HOUR,
  joinRequests: 7 * DAY,
  healthChecks: 30 * DAY,
  sessions: 30 * DAY,
};

describe('maintenance', () => {
  let db: Db;
  let sessionsDir: string;
  const now = Date.now();
  const maintenance = () =>
    new Maintenance({ db, logger: pino({ level: 'silent' }), retention: RETENTION, sessionsDir });

  before(async () => {
    sessionsDir = await mkdtemp(join(tmpdir(), 'primelingo-sessions-'));
  });
  after(() => rm(sessionsDir, { recursive: true, force: true }));
  beforeEach(async () => {
    await db?.destroy();
    db = await openDatabase(':memory:');
    for (const id of [1, 2, 3]) await touchUser(db, { id, is_bot: false, first_name: 'U' });
  });

  it('folds download rows past the retention into per-file daily counts, keeping statistics', async () => {
    const file = await addFile(db, {
      file_id: 'f',
      file_unique_id: 'u',
      title: 'Grammar',
      type: 'document',
      size: 1,
    });
    // 12,000 old rows (more than one slice) over two days, and 3 recent ones.
    const old = [now - 100 * DAY, now - 91 * DAY] as const;
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      user_id: 1,
      file_id: file.id,
      created_at: old[i % 2] ?? now,
    }));
    for (let i = 0; i < rows.length; i += 1000) {
      await db
        .insertInto('downloads')
        .values(rows.slice(i, i + 1000))
        .execute();
    }
    const recent = { user_id: 2, file_id: file.id, created_at: now - DAY };
    await db.insertInto('downloads').values([recent, recent, recent]).execute();
    const perDay = await downloadsPerDay(db, 120, now);
    const before = await libraryStats(db, now);

    const report = await maintenance().runOnce();
    assert.equal(report.downloadsFolded, 12_000);
    const left = await db.selectFrom('downloads').select('created_at').execute();
    assert.deepEqual(
      left.map((row) => row.created_at),
      [recent.created_at, recent.created_at, recent.created_at],
    );
    const history = await db
      .selectFrom('download_history')
      .select(['file_id', 'day', 'count'])
      .orderBy('day')
      .execute();
    assert.deepEqual(history, [
      { file_id: file.id, day: Math.floor(old[0] / DAY), count: 6000 },
      { file_id: file.id, day: Math.floor(old[1] / DAY), count: 6000 },
    ]);
    assert.deepEqual(await libraryStats(db, now), before);
    assert.deepEqual(await downloadsPerDay(db, 120, now), perDay);
    assert.equal((await maintenance().runOnce()).downloadsFolded, 0);
  });

  it('prunes the recipients of broadcasts finished past the retention; the counts stay', async () => {
    const sendAll = async (finishedAt: number) => {
      const id = await createDraft(db, 1, { text: 'hello' });
      await confirmBroadcast(db, id, { chatId: 1, messageId: 1 });
      await db.updateTable('broadcasts').set({ status: 'running' }).where('id', '=', id).execute();
      await markRecipient(db, id, 1, 'sent');
      await markRecipient(db, id, 2, 'blocked');
      await markRecipient(db, id, 3, 'failed', 'oops');
      await finishBroadcast(db, id);
      await db
        .updateTable('broadcasts')
        .set({ finished_at: finishedAt })
        .where('id', '=', id)
        .execute();
      return id;
    };
    const old = await sendAll(now - 31 * DAY);
    const recent = await sendAll(now - 29 * DAY);
    const counts = { pending: 0, sent: 1, blocked: 1, failed: 1, unknown: 0 };

    assert.equal((await maintenance().runOnce()).recipientsPruned, 3);
    const left = await db.selectFrom('broadcast_recipients').select('broadcast_id').execute();
    assert.deepEqual(
      left.map((row) => row.broadcast_id),
      [recent, recent, recent],
    );
    assert.deepEqual(await countRecipients(db, old), counts);
    assert.deepEqual(await countRecipients(db, recent), counts);
    assert.equal((await findBroadcast(db, old))?.status, 'done');
  });

  it('expires drafts never sent', async () => {
    const stale = await createDraft(db, 1, { text: 'old draft' });
    await db
      .updateTable('broadcasts')
      .set({ created_at: now - 25 * HOUR })
      .where('id', '=', stale)
      .execute();
    const fresh = await createDraft(db, 1, { text: 'new draft' });
    const sent = await createDraft(db, 1, { text: 'sent' });
    await confirmBroadcast(db, sent, { chatId: 1, messageId: 1 });
    await db
      .updateTable('broadcasts')
      .set({ created_at: now - 25 * HOUR })
      .where('id', '=', sent)
      .execute();

    assert.equal((await maintenance().runOnce()).draftsExpired, 1);
    assert.equal(await findBroadcast(db, stale), undefined);
    assert.equal((await findBroadcast(db, fresh))?.status, 'draft');
    assert.equal((await findBroadcast(db, sent))?.status, 'queued');
  });

  it('refreshes a join request asked again and prunes old ones', async () => {
    await addJoinRequest(db, -100, 1);
    await addJoinRequest(db, -100, 2);
    await db
      .updateTable('join_requests')
      .set({ created_at: now - 8 * DAY })
      .execute();
    // User 2 asks again: the request is fresh and survives.
    await addJoinRequest(db, -100, 2);
    assert.equal(await hasJoinRequest(db, -100, 2), true);

    assert.equal((await maintenance().runOnce()).joinRequestsPruned, 1);
    const left = await db.selectFrom('join_requests').select('user_id').execute();
    assert.deepEqual(
      left.map((row) => row.user_id),
      [2],
    );
  });

  it('prunes health events past the retention', async () => {
    await recordHealth(db, { level: 'error', source: 'test', message: 'old' });
    await db
      .updateTable('health_checks')
      .set({ created_at: now - 31 * DAY })
      .execute();
    await recordHealth(db, { level: 'error', source: 'test', message: 'new' });

    assert.equal((await maintenance().runOnce()).healthChecksPruned, 1);
    const left = await db.selectFrom('health_checks').select('message').execute();
    assert.deepEqual(
      left.map((row) => row.message),
      ['new'],
    );
  });

  it("merges the search index's segments, leaving what searches find unchanged", async () => {
    // Each upload commits on its own, adding a segment to the index; FTS5 merges four at a time.
    for (let n = 0; n < 30; n++) {
      await addFile(db, {
        file_id: `f${n}`,
        file_unique_id: `u${n}`,
        title: `Lesson ${n} ${n % 2 ? 'grammar' : 'vocabulary'}`,
        type: 'document',
        size: 1,
      });
    }
    const found = () => searchFiles(db, 'gram less', { pageSize: 50 });
    const before = await found();
    assert.equal(before.total, 15);

    assert.ok((await maintenance().runOnce()).searchIndexMerges > 0);
    assert.equal((await maintenance().runOnce()).searchIndexMerges, 0, 'nothing left to merge');
    assert.deepEqual(await found(), before);
    await sql`INSERT INTO files_fts (files_fts) VALUES ('integrity-check')`.execute(db);
  });

  it('removes abandoned session files and orphaned temporary files, keeping the rest', async () => {
    const folder = join(sessionsDir, '42');
    await mkdir(folder, { recursive: true });
    const write = async (name: string, ageMs: number) => {
      await writeFile(join(folder, name), '{"upload":{"step":"file"}}');
      const at = (now - ageMs) / 1000;
      await utimes(join(folder, name), at, at);
    };
    await write('1042.json', 31 * DAY);
    await write('2042.json', 29 * DAY);
    await write('2042.json.123.abc.tmp', 1000);
    // Temporary files are judged by when the bot started: one from after that is in flight.
    const running = maintenance();
    await write('3042.json.456.def.tmp', -60_000);

    assert.equal((await running.runOnce()).sessionFilesRemoved, 2);
    assert.deepEqual((await readdir(folder)).sort(), ['2042.json', '3042.json.456.def.tmp']);
  });
});
