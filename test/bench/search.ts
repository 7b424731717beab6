/**
 * Search benchmark over a generated library (made once and cached in the temporary directory):
 * latency per query class through the search threads, the work each search costs, the main
 * thread's event-loop delay while 200 searches run at once, and what one admin's upload costs
 * in the full library. Prints figures, ends with a `RESULT {...}` line of the main ones for
 * the runner (run.ts), and asserts nothing.
 *
 * Searches run as the bot runs them: in the search pool's worker threads (SearchPool), each on
 * its own read-only connection, while the main connection is open for writes. Each class is
 * measured twice with the same queries:
 * - wall time through the pool, one search at a time: what a user waits for, including the
 *   hop to a thread and back (and, on a shared machine, waiting for a core);
 * - CPU time of the same search run in this thread (process.cpuUsage, which also counts the
 *   garbage collector's threads): the work a search thread does, which bounds how many
 *   searches a second the threads can take.
 *
 *   npx tsx test/bench/search.ts [--files 100000] [--queries 1000]
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase, openReadOnlyDatabase } from '../../src/db/database.js';
import { addFile } from '../../src/db/files.js';
import { searchFiles } from '../../src/library/search.js';
import { SearchPool, SearchUnavailableError } from '../../src/library/search-pool.js';
import { ALL_WORDS, cachedLibrary, pickWords, seeded } from './library.js';
import { percentile, printResult } from './result.js';

const { values } = parseArgs({
  options: {
    files: { type: 'string', default: '100000' },
    queries: { type: 'string', default: '1000' },
  },
});
const fileCount = Number(values.files);
const queryCount = Number(values.queries);
if (!Number.isInteger(fileCount) || fileCount < 1) throw new Error('--files wants a count');
if (!Number.isInteger(queryCount) || queryCount < 1) throw new Error('--queries wants a count');

const random = seeded(0xbe9c);
const LETTERS = [...'taoibksmgdpенкоуа'];

// Half the words typed only in part, as people do while searching.
function typed(word: string): string {
  return random() < 0.5 ? word : [...word].slice(0, 2 + Math.floor(random() * 4)).join('');
}
function letter(): string {
  return LETTERS[Math.floor(random() * LETTERS.length)] as string;
}

type Query = [query: string, page: number];

/** Each class: a query and the page asked for (a huge page is clamped to the last one). */
const CLASSES: Record<string, () => Query> = {
  typical: () => [pickWords(random, ALL_WORDS, 1, 3).map(typed).join(' '), random() < 0.2 ? 2 : 1],
  'one letter': () => [letter(), 1],
  'deep page': () => [pickWords(random, ALL_WORDS, 1, 1).map(typed).join(' '), 1_000_000],
  'eight words': () => [pickWords(random, ALL_WORDS, 8, 8).map(typed).join(' '), 1],
  'eight letters': () => [Array.from({ length: 8 }, letter).join(' '), 1],
  '50 words': () => [pickWords(random, ALL_WORDS, 50, 50).join(' '), 1],
  'no match': () => [`${typed(pickWords(random, ALL_WORDS, 1, 1)[0] ?? '')} zqxv`, 1],
};

interface Summary {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}
function summarise(values: number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? 0,
  };
}
const ms = (value: number) => `${value.toFixed(2)} ms`;
const line = ({ p50, p95, p99, max }: Summary) =>
  `p50 ${ms(p50)}, p95 ${ms(p95)}, p99 ${ms(p99)}, max ${ms(max)}`;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
const load = () =>
  loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');

const cacheStart = performance.now();
const source = await cachedLibrary(fileCount);
const cacheMs = performance.now() - cacheStart;
const dir = mkdtempSync(join(tmpdir(), 'primelingo-bench-'));
const file = join(dir, 'bench.sqlite');
copyFileSync(source, file);
const db = await openDatabase(file);
const pool = new SearchPool({ file, onError: (error) => console.error('search thread:', error) });
// The work of a search, measured in this thread on a connection like the threads' own.
const reader = openReadOnlyDatabase(file, 5000);
try {
  console.log(`files:           ${fileCount} (library ready in ${(cacheMs / 1000).toFixed(1)} s)`);
  console.log(`database size:   ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`);
  console.log(`load average:    ${load()} (1, 5, 15 min) at the start`);
  await pool.ready();
  // Warm the page caches once, as a running bot's would be.
  for (let i = 0; i < 50; i++) {
    const query = CLASSES.typical?.()[0] ?? '';
    await Promise.all([pool.search(query), pool.search(query), searchFiles(reader, query)]);
  }

  const walls: number[] = [];
  const cpus: number[] = [];
  let unanswered = 0;
  for (const [name, make] of Object.entries(CLASSES)) {
    const queries = Array.from({ length: queryCount }, make);
    const wall: number[] = [];
    const cpu: number[] = [];
    let hits = 0;
    let failed = 0;
    for (const [query, page] of queries) {
      const started = performance.now();
      try {
        hits += (await pool.search(query, { page })).total;
      } catch (error) {
        if (!(error instanceof SearchUnavailableError)) throw error;
        failed++;
      }
      wall.push(performance.now() - started);
    }
    for (const [query, page] of queries) {
      const started = cpuMs();
      await searchFiles(reader, query, { page });
      cpu.push(cpuMs() - started);
    }
    walls.push(...wall);
    cpus.push(...cpu);
    unanswered += failed;
    const note = `mean hits ${Math.round(hits / queryCount)}${failed ? `, ${failed} unanswered` : ''}`;
    console.log(`${`${name}:`.padEnd(17)}wall ${line(summarise(wall))} (${note})`);
    console.log(`${''.padEnd(17)}CPU  ${line(summarise(cpu))}`);
  }
  const wall = summarise(walls);
  const cpu = summarise(cpus);
  console.log(`${'all classes:'.padEnd(17)}wall ${line(wall)}`);
  console.log(`${''.padEnd(17)}CPU  ${line(cpu)}`);

  // The main thread's event loop, first with nothing to do for as long as a storm lasts (what
  // the machine's other work costs it), then while 200 searches run at once, as 200 users
  // typing together would start them. The histogram records how late a 1 ms timer turns.
  const stormQueries: Query[] = Array.from({ length: 200 }, () => {
    const classes = Object.values(CLASSES);
    return (classes[Math.floor(random() * classes.length)] as () => Query)();
  });
  const idle = monitorEventLoopDelay({ resolution: 1 });
  const storm = monitorEventLoopDelay({ resolution: 1 });
  storm.enable();
  const stormStart = performance.now();
  const outcomes = await Promise.allSettled(
    stormQueries.map(([query, page]) => pool.search(query, { page })),
  );
  const stormMs = performance.now() - stormStart;
  storm.disable();
  idle.enable();
  await sleep(Math.max(1000, stormMs));
  idle.disable();
  const stormFailed = outcomes.filter((outcome) => outcome.status === 'rejected').length;
  const delayMs = (histogram: typeof storm, p: number) => histogram.percentile(p) / 1e6;
  const delays = (histogram: typeof storm) =>
    `p50 ${ms(delayMs(histogram, 50))}, p99 ${ms(delayMs(histogram, 99))}, max ${ms(histogram.max / 1e6)}`;
  console.log(
    `storm of 200:    ${ms(stormMs)} in all${stormFailed ? `, ${stormFailed} unanswered` : ''}; event-loop delay ${delays(storm)}`,
  );
  console.log(`idle as long:    event-loop delay ${delays(idle)}`);

  // What an admin's upload costs: one addFile, in its own transaction, into the full library.
  const adds: number[] = [];
  for (let n = 0; n < 200; n++) {
    const started = performance.now();
    await addFile(db, {
      file_id: `single-${n}`,
      file_unique_id: `single-unique-${n}`,
      title: pickWords(random, ALL_WORDS, 2, 6).join(' '),
      type: 'document',
      size: 1000,
      tags: pickWords(random, ALL_WORDS, 0, 4),
    });
    adds.push(performance.now() - started);
  }
  console.log(`single addFile:  ${line(summarise(adds))}`);

  // The floor a search stands against: one FTS5 MATCH of a word that one file holds.
  const rare = await addFile(db, {
    file_id: 'rare',
    file_unique_id: 'rare-unique',
    title: 'Zanjabil',
    type: 'document',
    size: 1000,
    tags: [],
  });
  const lookups: number[] = [];
  for (let i = 0; i < queryCount; i++) {
    const started = performance.now();
    const found = await sql<{ rowid: number }>`
      SELECT rowid FROM files_fts WHERE files_fts MATCH 'zanjabil' LIMIT 10
    `.execute(db);
    lookups.push(performance.now() - started);
    if (found.rows[0]?.rowid !== rare.id) throw new Error('the rare word was not found');
  }
  const rareMatch = summarise(lookups);
  console.log(`one rare MATCH:  ${line(rareMatch)}`);
  console.log(`load average:    ${load()} (1, 5, 15 min) at the end`);
  printResult({
    files: fileCount,
    p95Ms: wall.p95,
    maxMs: wall.max,
    cpuP95Ms: cpu.p95,
    cpuMaxMs: cpu.max,
    unanswered: unanswered + stormFailed,
    stormMs,
    stormDelayP99Ms: delayMs(storm, 99),
    idleDelayP99Ms: delayMs(idle, 99),
    rareMatchP95Ms: rareMatch.p95,
  });
} finally {
  await pool.close();
  await reader.destroy();
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
