/**
 * Retention benchmark: 100 broadcasts to 100,000 users, one a day, each recipient marked sent,
 * with the maintenance pass run after each day as the bot runs it (BROADCAST_RETENTION_DAYS at
 * its default of 30), against the same 100 broadcasts kept for ever. Prints the database sizes
 * and how long the passes took; asserts nothing.
 *
 *   npx tsx test/bench/retention.ts [--users 100000] [--broadcasts 100]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { confirmBroadcast, createDraft } from '../../src/db/broadcasts.js';
import { type Db, openDatabase } from '../../src/db/database.js';
import { Maintenance } from '../../src/library/maintenance.js';
import { percentile } from './result.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100000' },
    broadcasts: { type: 'string', default: '100' },
  },
});
const users = Number(values.users);
const broadcasts = Number(values.broadcasts);
const DAY = 86_400_000;
const { retention } = loadConfig({ BOT_TOKEN: '1:bench' });

/** In-use size (pages holding data), which is what a VACUUM would leave, and the file size. */
async function size(db: Db, file: string): Promise<string> {
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  const pages = await sql<{ used: number }>`
    SELECT (SELECT page_count FROM pragma_page_count) - (SELECT freelist_count FROM pragma_freelist_count) AS used
  `.execute(db);
  const pageSize = await sql<{ page_size: number }>`PRAGMA page_size`.execute(db);
  const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
  const used = (pages.rows[0]?.used ?? 0) * (pageSize.rows[0]?.page_size ?? 0);
  return `file ${mib(statSync(file).size)}, in use ${mib(used)}`;
}

async function run(withRetention: boolean): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'primelingo-bench-'));
  const file = join(dir, 'retention.sqlite');
  const db = await openDatabase(file);
  try {
    await sql`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${users})
      INSERT INTO users (id, first_name) SELECT i, 'User' FROM n
    `.execute(db);
    const start = Date.now() - broadcasts * DAY;
    let day = start;
    const maintenance = new Maintenance({
      db,
      logger: pino({ level: 'silent' }),
      retention,
      sessionsDir: join(dir, 'sessions'),
      now: () => day,
    });
    const passes: number[] = [];
    for (let n = 0; n < broadcasts; n++) {
      day = start + n * DAY;
      const id = await createDraft(db, 1, { text: `Broadcast ${n}` });
      await confirmBroadcast(db, id, { chatId: 1, messageId: 1 });
      await sql`UPDATE broadcast_recipients SET status = 'sent', updated_at = ${day} WHERE broadcast_id = ${id}`.execute(
        db,
      );
      await db
        .updateTable('broadcasts')
        .set({ status: 'done', started_at: day, finished_at: day })
        .where('id', '=', id)
        .execute();
      if (withRetention) {
        const started = performance.now();
        await maintenance.runOnce();
        passes.push(performance.now() - started);
      }
    }
    const rows = await db
      .selectFrom('broadcast_recipients')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    const label = withRetention ? 'with retention:' : 'kept for ever:';
    console.log(`${label.padEnd(17)}${rows.count} recipient rows, ${await size(db, file)}`);
    if (passes.length > 0) {
      passes.sort((a, b) => a - b);
      console.log(
        `${''.padEnd(17)}maintenance pass p50 ${percentile(passes, 50).toFixed(0)} ms, max ${passes.at(-1)?.toFixed(0)} ms (in slices of 5,000 rows)`,
      );
    }
  } finally {
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`${broadcasts} broadcasts to ${users} users, one a day`);
await run(true);
await run(false);
