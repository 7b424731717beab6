import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { type Db, openDatabase } from '../../src/db/database.js';
import { npmRun } from '../cli/npm-run.js';
import { Emulator } from '../emulator/index.js';
import { apiClient } from './api-client.js';
import { eventually, startBot, startWorld, type World } from './harness.js';

const PASSWORD = 'a long enough password';

const runBackup = (dataDir: string, args: string[]) => npmRun('backup', dataDir, args);

describe('backups', () => {
  let world: World;
  let db: Db;
  let scratch: string;
  before(async () => {
    world = await startWorld({
      env: { APP_ROLE: 'all', ADMIN_USERNAME: 'root', ADMIN_PASSWORD: PASSWORD },
    });
    db = await world.db();
    scratch = await mkdtemp(join(tmpdir(), 'backup-test-'));
  });
  after(async () => {
    await world.close();
    await rm(scratch, { recursive: true, force: true });
  });

  it('a backup taken during a broadcast restores every row committed before it began', async () => {
    const { emu } = world;
    const users = Array.from({ length: 300 }, () => emu.user({ first_name: 'Learner' }));
    await db
      .insertInto('users')
      .values(users.map((u) => ({ id: u.id, first_name: 'Learner' })))
      .execute();
    const request = await apiClient(await world.bot.apiUrl(), 'root', PASSWORD);
    const created = await request('POST', '/api/broadcasts', { text: 'Backup during broadcast' });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const settled = () =>
      db
        .selectFrom('broadcast_recipients')
        .select(['user_id', 'status'])
        .where('status', '!=', 'pending')
        .execute();
    await eventually(async () => (await settled()).length >= 40, 'the broadcast to send', 30_000);

    const committed = await settled();
    const file = join(scratch, 'during-broadcast.sqlite');
    const result = await runBackup(world.bot.dataDir, [file]);
    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.stdout, `Backup written to ${file} (integrity check: ok).\n`);
    const afterBackup = (await settled()).length;
    assert.ok(afterBackup < users.length, 'the broadcast was still running after the backup');

    const check = new SQLite(file, { readonly: true });
    assert.deepEqual(check.pragma('integrity_check', { simple: true }), 'ok');
    check.close();
    // Restored as the README says: the file becomes primelingo.sqlite in an empty DATA_DIR.
    const restoredDir = join(scratch, 'restored');
    await rm(restoredDir, { recursive: true, force: true });
    await mkdir(restoredDir);
    await copyFile(file, join(restoredDir, 'primelingo.sqlite'));
    const restored = await openDatabase(join(restoredDir, 'primelingo.sqlite'));
    try {
      const ids = new Set(
        (await restored.selectFrom('users').select('id').execute()).map((row) => row.id),
      );
      assert.deepEqual(
        users.filter((u) => !ids.has(u.id)),
        [],
      );
      const rows = await restored
        .selectFrom('broadcast_recipients')
        .select(['user_id', 'status'])
        .execute();
      // The recipients were committed with the broadcast, before the backup: all are there.
      assert.equal(rows.length, users.length);
      const status = new Map(rows.map((row) => [row.user_id, row.status]));
      assert.deepEqual(
        committed.filter((row) => status.get(row.user_id) !== row.status),
        [],
      );
    } finally {
      await restored.destroy();
    }
  });
});

describe('backups the bot takes itself, and a damaged database', () => {
  let scratch: string;
  before(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'backup-test-'));
  });
  after(() => rm(scratch, { recursive: true, force: true }));

  it('BACKUP_EVERY_HOURS takes sound backups into BACKUP_DIR and keeps the last BACKUP_KEEP', async () => {
    const dir = join(scratch, 'auto');
    // 0.0003 h is about a second: a few backups within the test.
    const world = await startWorld({
      env: { BACKUP_DIR: dir, BACKUP_EVERY_HOURS: '0.0003', BACKUP_KEEP: '2' },
    });
    try {
      const taken = () =>
        world.bot.output
          .filter((line) => line.includes('"msg":"backup taken"'))
          .map((line) => (JSON.parse(line) as { file: string }).file);
      await eventually(() => taken().length >= 4, 'four backups', 30_000);
      await world.bot.stop();
      const files = taken().map((file) => file.slice(dir.length + 1));
      assert.deepEqual((await readdir(dir)).sort(), files.slice(-2).sort());
      for (const name of files.slice(-2)) {
        const copy = new SQLite(join(dir, name), { readonly: true });
        assert.equal(copy.pragma('integrity_check', { simple: true }), 'ok');
        assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete');
        copy.close();
      }
    } finally {
      await world.close();
    }
  });

  it('a damaged database file stops start-up with exit code 1 and one clear line', async () => {
    const dataDir = join(scratch, 'damaged');
    const file = join(dataDir, 'primelingo.sqlite');
    const db = await openDatabase(file);
    await db
      .insertInto('users')
      .values(Array.from({ length: 500 }, (_, i) => ({ id: i + 1, first_name: 'Learner' })))
      .execute();
    await db.destroy();
    // Garbage over the second page (a table's b-tree), as a failing disk would leave it.
    const handle = await open(file, 'r+');
    await handle.write(Buffer.alloc(4096, 0x5a), 0, 4096, 4096);
    await handle.close();

    const emu = await Emulator.start();
    try {
      const bot = await startBot(emu, { dataDir, ready: false });
      assert.equal(await bot.exit(), 1);
      const line = await bot.waitForOutput(/damaged/);
      assert.match(
        line,
        /^Start-up failed: the database .*primelingo\.sqlite is damaged \(.+\); restore a backup \(README, "Backups"\)$/,
      );
      assert.equal(emu.pollers, 0);
    } finally {
      await emu.stop();
    }
  });
});
