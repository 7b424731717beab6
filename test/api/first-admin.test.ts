import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ensureFirstAdmin } from '../../src/api/first-admin.js';
import { checkPassword } from '../../src/api/passwords.js';
import { loadConfig } from '../../src/config.js';
import { type Db, openDatabase } from '../../src/db/database.js';

describe('ensureFirstAdmin', () => {
  let dataDir: string;
  let first: Db;
  let second: Db;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'first-admin-'));
    first = await openDatabase(join(dataDir, 'db.sqlite'));
    // A second connection to the same file, as a second API process has.
    second = await openDatabase(join(dataDir, 'db.sqlite'));
  });
  after(async () => {
    await first.destroy();
    await second.destroy();
    await rm(dataDir, { recursive: true, force: true });
  });

  const config = (password: string) =>
    loadConfig({
      BOT_TOKEN: '1:x',
      DATA_DIR: dataDir,
      ADMIN_USERNAME: 'root',
      ADMIN_PASSWORD: password,
    });

  it('does nothing without ADMIN_USERNAME', async () => {
    await ensureFirstAdmin(first, loadConfig({ BOT_TOKEN: '1:x', DATA_DIR: dataDir }));
    assert.equal((await first.selectFrom('admin_accounts').selectAll().execute()).length, 0);
  });

  it('creates one superadmin when two processes start at once', async () => {
    await Promise.all([
      ensureFirstAdmin(first, config('first password')),
      ensureFirstAdmin(second, config('first password')),
    ]);
    const rows = await first.selectFrom('admin_accounts').selectAll().execute();
    assert.deepEqual(
      rows.map((row) => [row.username, row.role]),
      [['root', 'superadmin']],
    );
    assert.ok(await checkPassword(rows[0]?.password_hash, 'first password'));
  });

  it('changes nothing once the account exists, whatever ADMIN_PASSWORD says now', async () => {
    const before = await first.selectFrom('admin_accounts').selectAll().execute();
    await ensureFirstAdmin(first, config('another password'));
    assert.deepEqual(await first.selectFrom('admin_accounts').selectAll().execute(), before);
  });
});
