/**
 * Search benchmark over a generated library (made once and cached in the temporary directory):
 * latency per query class, the event loop's delay while 200 searches run at once, and what one
 * admin's upload costs in the full library. Prints figures and asserts nothing.
 *
 * Each search is timed twice: wall time, and the process's CPU time (process.cpuUsage, which
 * also counts the garbage collector's threads). On a machine shared with other work the wall
 * time includes waiting for a core; the CPU time is the work itself, which is what holds the
 * event loop when the machine is not overloaded.
 *
 *   npx tsx test/bench/search.ts [--files 100000] [--queries 1000]
 */
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { openDatabase } from '../../src/db/database.js';
import { addFile } from '../../src/db/files.js';
import { searchFiles } from '../../src/library/search.js';
import { ALL_WORDS, cachedLibrary, pickWords, seeded } from './library.js';
import { printResult } from './result.js';

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

/** Each class: a query and the page asked for (a huge page is clamped to the last one). */
const CLASSES: Record<string, () => [string, number]> = {
  typical: () => [pickWords(random, ALL_WORDS, 1, 3).map(typed).join(' '), random() < 0.2 ? 2 : 1],
  'one letter': () => [letter(), 1],
  'deep page': () => [pickWords(random, ALL_WORDS, 1, 1).map(typed).join(' '), 1_000_000],
  'eight words': () => [pickWords(random, ALL_WORDS, 8, 8).map(typed).join(' '), 1],
  'eight letters': () => [Array.from({ length: 8 }, letter).join(' '), 1],
  '50 words': () => [pickWords(random, ALL_WORDS, 50, 50).join(' '), 1],
  'no match': () => [`${typed(pickWords(random, ALL_WORDS, 1, 1)[0] ?? '')} zqxv`, 1],
};

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
const ms = (value: number) => `${value.toFixed(2)} ms`;
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
function summary(latencies: number[]): string {
  latencies.sort((a, b) => a - b);
  return [50, 95, 99]
    .map((p) => `p${p} ${ms(percentile(latencies, p))}`)
    .concat(`max ${ms(latencies.at(-1) ?? 0)}`)
    .join(', ');
}

const cacheStart = performance.now();
const source = await cachedLibrary(fileCount);
const cacheMs = performance.now() - cacheStart;
const dir = mkdtempSync(join(tmpdir(), 'primelingo-bench-'));
const file = join(dir, 'bench.sqlite');
copyFileSync(source, file);
const db = await openDatabase(file);
try {
  console.log(`files:           ${fileCount} (library ready in ${(cacheMs / 1000).toFixed(1)} s)`);
  console.log(`database size:   ${(statSync(file).size / 1024 / 1024).toFixed(1)} MiB`);
  // Warm the page cache once, as a running bot's would be.
  for (let i = 0; i < 50; i++) await searchFiles(db, CLASSES.typical?.()[0] ?? '');

  const all: number[] = [];
  const allCpu: number[] = [];
  for (const [name, make] of Object.entries(CLASSES)) {
    const latencies: number[] = [];
    const cpu: number[] = [];
    let hits = 0;
    for (let i = 0; i < queryCount; i++) {
      const [query, page] = make();
      const started = performance.now();
      const cpuStarted = cpuMs();
      const result = await searchFiles(db, query, { page });
      cpu.push(cpuMs() - cpuStarted);
      latencies.push(performance.now() - started);
      hits += result.total;
    }
    all.push(...latencies);
    allCpu.push(...cpu);
    console.log(
      `${`${name}:`.padEnd(17)}wall ${summary(latencies)} (mean hits ${Math.round(hits / queryCount)})`,
    );
    console.log(`${''.padEnd(17)}CPU  ${summary(cpu)}`);
  }
  console.log(`${'all classes:'.padEnd(17)}wall ${summary(all)}`);
  console.log(`${''.padEnd(17)}CPU  ${summary(allCpu)}`);

  // 200 searches at once, as 200 users typing together would start them; a 1 ms timer keeps
  // the loop honest while the histogram records how late it turns.
  const delay = monitorEventLoopDelay({ resolution: 1 });
  const storm: [string, number][] = Array.from({ length: 200 }, () => {
    const classes = Object.values(CLASSES);
    return (classes[Math.floor(random() * classes.length)] as () => [string, number])();
  });
  delay.enable();
  const stormStart = performance.now();
  await Promise.all(storm.map(([query, page]) => searchFiles(db, query, { page })));
  const stormMs = performance.now() - stormStart;
  delay.disable();
  const delayMs = (ns: number) => ms(ns / 1e6);
  console.log(
    `storm of 200:    ${ms(stormMs)} in all; event-loop delay p50 ${delayMs(delay.percentile(50))}, p99 ${delayMs(delay.percentile(99))}, max ${delayMs(delay.max)}`,
  );

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
  console.log(`single addFile:  ${summary(adds)}`);

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
  console.log(`one rare MATCH:  ${summary(lookups)}`);
  printResult({
    files: fileCount,
    p95Ms: percentile(all, 95),
    cpuP95Ms: percentile(allCpu, 95),
    rareMatchP95Ms: percentile(lookups, 95),
    stormDelayP99Ms: delay.percentile(99) / 1e6,
  });
} finally {
  await db.destroy();
  rmSync(dir, { recursive: true, force: true });
}
