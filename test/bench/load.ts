/**
 * Load: many users search, open cards and download at once through the emulator with
 * Telegram's limits on, while a broadcast runs and the admin API is polled; then they go on
 * for a soak. Reports errors, every step's latency, the event loop's delay and the heap
 * (after a full collection) sampled through the run. Asserts nothing.
 *
 *   npx tsx test/bench/load.ts [--users 1000] [--minutes 10] [--think 60]
 *
 * Under Telegram's 30 messages a second, 1,000 users at once wait their turn: a round is four
 * messages, so 1,000 rounds take 133 s of the bot's budget at best. Latency here is mostly
 * that queue; the figures of the bot itself are the event loop's delay and the memory.
 */
import { parseArgs } from 'node:util';
import { type Percentiles, runLoad } from '../e2e/load.js';
import { printResult } from './result.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '1000' },
    minutes: { type: 'string', default: '10' },
    think: { type: 'string', default: '60' },
  },
});
const users = Number(values.users);
const minutes = Number(values.minutes);
const thinkSeconds = Number(values.think);
if (!Number.isInteger(users) || users < 1) throw new Error('--users wants a count');
if (!(minutes > 0) || !(thinkSeconds >= 0)) throw new Error('--minutes and --think want numbers');

console.log(`Load: ${users} users for ${minutes} min, think up to ${thinkSeconds} s per action`);
const report = await runLoad({
  users,
  // Users join over 10 s, or a quarter of a shorter run.
  rampMs: Math.min(10_000, (minutes * 60_000) / 4),
  durationMs: minutes * 60_000,
  thinkMs: thinkSeconds * 1000,
  sampleEveryMs: Math.min(30_000, (minutes * 60_000) / 10),
  stepTimeoutMs: 5 * 60_000,
  progress: console.log,
});

// Memory from the first sample after the first minute (or a tenth of the run), when every
// flow has run once, to the end: a leak grows through it, warming up is over by then.
const warm = Math.min(60, (minutes * 60) / 10);
const soak = report.memory.filter((sample) => sample.seconds >= warm);
const first = soak[0] ?? report.memory[0];
const last = report.memory.at(-1);
const growth = (last?.heapMb ?? 0) - (first?.heapMb ?? 0);
const ms = (p: Percentiles) =>
  `${p.count} answered; p50 ${p.p50} ms, p95 ${p.p95} ms, p99 ${p.p99} ms, max ${p.max} ms`;
const lines: [string, string][] = [
  ['users', `${report.answered} of ${report.users} answered, ${report.rounds} rounds`],
  ['errors', report.errors.length === 0 ? 'none' : `${report.errors.length}`],
  ['search', ms(report.latencyMs.search)],
  ['card', ms(report.latencyMs.card)],
  ['download', ms(report.latencyMs.download)],
  ['messages', `${report.sendsPerSecond}/s delivered (Telegram allows 30/s)`],
  ['429s', `${report.tooManyRequests.length}`],
  ['broadcast', `${report.broadcast.sent} of ${report.broadcast.total} sent`],
  ['admin API', `${report.apiPolls} GETs`],
  [
    'event loop',
    `p50 ${report.eventLoop.p50} ms, p99 ${report.eventLoop.p99} ms, max ${report.eventLoop.max} ms`,
  ],
  [
    'heap',
    `${first?.heapMb} MB at ${first?.seconds} s, ${last?.heapMb} MB at ${last?.seconds} s (after a full GC)`,
  ],
  ['wall time', `${report.seconds} s`],
];
for (const error of report.errors.slice(0, 20)) console.log(`  error: ${error}`);
for (const [label, value] of lines) console.log(`${`${label}:`.padEnd(12)}${value}`);
printResult({
  users,
  answered: report.answered,
  errors: report.errors.length,
  tooManyRequests: report.tooManyRequests.length,
  eventLoopP99Ms: report.eventLoop.p99,
  idleHeapMb: report.memory[0]?.heapMb ?? 0,
  idleRssMb: report.memory[0]?.rssMb ?? 0,
  soakHeapGrowthMb: Math.round(growth * 10) / 10,
  soakSeconds: (last?.seconds ?? 0) - (first?.seconds ?? 0),
  sendsPerSecond: report.sendsPerSecond,
});
