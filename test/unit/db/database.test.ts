import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { openDatabase } from '../../../src/db/database.js';
import { inTree, LOADER } from '../../paths.js';

const run = promisify(execFile);
const DATABASE = inTree('src/db/database.ts');

describe('openDatabase', () => {
  const dirs: string[] = [];
  after(() => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

  it('migrates once when several processes open a new file at the same moment', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'open-db-'));
    dirs.push(dir);
    const file = join(dir, 'primelingo.sqlite');
    const script = `import { openDatabase } from ${JSON.stringify(DATABASE)};
      const db = await openDatabase(${JSON.stringify(file)}); await db.destroy();`;
    const processes = Array.from({ length: 6 }, () =>
      run(process.execPath, [...LOADER, '--input-type=module', '-e', script]),
    );
    const outcomes = await Promise.allSettled(processes);
    assert.deepEqual(
      outcomes.filter((outcome) => outcome.status === 'rejected'),
      [],
    );
    const db = await openDatabase(file);
    try {
      const migrations = await db
        .selectFrom('kysely_migration' as never)
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .executeTakeFirstOrThrow();
      const { count } = migrations as { count: number };
      assert.ok(count >= 5, `${count} migrations recorded once each`);
    } finally {
      await db.destroy();
    }
  });
});
