/**
 * /stats benchmark: libraryStats() and downloadsPerDay(30) on the generated library of
 * 1,000,000 files (cached, see library.ts) with 100,000 users and 10,000,000 downloads spread
 * evenly over the last 90 days. Prints figures and asserts nothing.
 *
 *   npx tsx test/bench/stats.ts [--files 1000000] [--downloads 10000000] [--users 100000]
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import SQLite from 'better-sqlite3';
import { openDatabase } from '../../src/db/database.js';
import { downloadsPerDay } from '../../src/db/downloads.js';
import { libraryStats } from '../../src/library/catalogue.js';
import { cachedLibrary } from './library.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '1000000' },
    downloads: { type: 'string', default: '10000000' },
    users: { type: 'string', default: '100000' },
  },
});
const files = Number(values.files);
const downloads = Number(values.downloads);
const users = Number(values.users);
const DAY = 86_400_000;
const RUNS = 200;

const dir = mkdtempSync(join(tmpdir(), 'primelingo-bench-'));
const file = join(dir, 'stats.sqlite');
try {
  copyFileSync(await cachedLibrary(files), file);
  await (await openDatabase(file)).destroy();
  const now = Date.now();
  const fillStart = performance.now();
  const sqlite = new SQLite(file);
  // Generated ids are known to exist; checking each of ten million is only time.
  sqlite.pragma('foreign_keys = OFF');
  // Set-based inserts: the counters' triggers run for every row, as they would in use.
  sqlite
    .prepare(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO users (id, first_name, last_seen_at) SELECT i, 'User', ? - (i % 30) * ? FROM n
    `)
    .run(users, now, DAY);
  sqlite
    .prepare(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)
      INSERT INTO downloads (user_id, file_id, created_at)
      SELECT 1 + i % ?, 1 + (i * 7919) % ?, ? + i * ? FROM n
    `)
    .run(downloads, users, files, now - 90 * DAY, Math.floor((90 * DAY) / downloads));
  sqlite.pragma('wal_checkpoint(TRUNCATE)');
  sqlite.close();
  const fillMs = performance.now() - fillStart;

  const db = await openDatabase(file);
  try {
    const time = async (run: () => Promise<unknown>) => {
      const latencies: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const started = performance.now();
        await run();
        latencies.push(performance.now() - started);
      }
      latencies.sort((a, b) => a - b);
      const at = (p: number) => latencies[Math.floor((p / 100) * (RUNS - 1))]?.toFixed(2);
      return `p50 ${at(50)} ms, p99 ${at(99)} ms, max ${latencies.at(-1)?.toFixed(2)} ms`;
    };
    const stats = await libraryStats(db, now);
    console.log(`library:         ${files} files, ${users} users, ${downloads} downloads`);
    console.log(`filled in:       ${(fillMs / 1000).toFixed(1)} s`);
    console.log(`database size:   ${(statSync(file).size / 1024 / 1024).toFixed(0)} MiB`);
    console.log(
      `figures:         ${stats.users.total} users, ${stats.users.active} active, ${stats.files} files, ${stats.downloads.total} downloads, ${stats.downloads.today} today`,
    );
    console.log(`/stats:          ${await time(() => libraryStats(db, now))}`);
    console.log(`per day (30):    ${await time(() => downloadsPerDay(db, 30, now))}`);
  } finally {
    await db.destroy();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
