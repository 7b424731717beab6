/**
 * `npm run bench`: runs every benchmark script one after another, shows each one's own output,
 * and ends with one table of the headline figures, each against the limit it is measured
 * against in the same run on the same machine. The figures come from each script's RESULT
 * line (test/bench/result.ts), so the table measures nothing itself.
 *
 *   npm run bench                # the full sizes (about an hour once the generated libraries exist)
 *   npm run bench -- --quick     # the same table at small sizes, in about 75 s
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Figures, readResults } from './result.js';

const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false } } });
const quick = values.quick;

/** One script run: its file in test/bench and its arguments. */
type Run = [script: string, ...args: string[]];

const SEARCH_LARGE = quick ? 20_000 : 1_000_000;
const RUNS: Run[] = quick
  ? [
      ['search.ts', '--queries', '50'],
      ['search.ts', '--files', String(SEARCH_LARGE), '--queries', '50'],
      ['stats.ts', '--files', '20000', '--downloads', '200000', '--users', '10000'],
      ['retention.ts', '--users', '5000', '--broadcasts', '40'],
      ['processing-memory.ts', '--mb', '50'],
      ['download.ts', '--users', '20', '--rounds', '2'],
      ['broadcast.ts', '--recipients', '100'],
      ['throughput.ts', '--updates', '500'],
      ['idle.ts', '--seconds', '2'],
      ['load.ts', '--users', '50', '--minutes', '0.1', '--think', '2'],
    ]
  : [
      ['search.ts'],
      ['search.ts', '--files', String(SEARCH_LARGE)],
      ['stats.ts'],
      ['retention.ts'],
      ['processing-memory.ts', '--mb', '50'],
      ['processing-memory.ts', '--mb', '500'],
      ['download.ts'],
      ['broadcast.ts'],
      ['throughput.ts'],
      ['idle.ts'],
      ['load.ts'],
      // Outside the table: each throws (and its run says so) if a promise was broken.
      ['faults.ts'],
      ['crash.ts'],
    ];

/** Runs one script with its output shown as it comes; resolves with its RESULT figures. */
function runScript([script, ...args]: Run): Promise<Figures[]> {
  const path = fileURLToPath(new URL(script, import.meta.url));
  console.log(`\n=== ${script} ${args.join(' ')}`.trimEnd());
  const child = spawn(process.execPath, [...process.execArgv, path, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    process.stdout.write(chunk);
    output += String(chunk);
  });
  return new Promise((resolve) => {
    child.once('close', (code) => {
      if (code !== 0) console.log(`(${script} exited with ${code}: its rows say n/a)`);
      resolve(readResults(output));
    });
  });
}

const started = Date.now();
const results: { run: Run; figures: Figures[] }[] = [];
for (const run of RUNS) results.push({ run, figures: await runScript(run) });

/** The figures of a script's RESULT line that matches. */
function find(script: string, match: (figures: Figures) => boolean = () => true): Figures {
  for (const { run, figures } of results) {
    if (run[0] !== script) continue;
    const found = figures.find(match);
    if (found) return found;
  }
  return {};
}

const number = (value: number | undefined, unit: string, digits = 1) =>
  value === undefined
    ? 'n/a'
    : `${value.toLocaleString('en', { maximumFractionDigits: digits })} ${unit}`;
const ratio = (figure: number | undefined, limit: number | undefined) =>
  figure === undefined || limit === undefined || limit === 0
    ? 'n/a'
    : `${(figure / limit).toFixed(2)}`;

const rows: [string, string, string, string][] = [];
const row = (what: string, figure: string, limit: string, of: string) =>
  rows.push([what, figure, limit, of]);

const throughput = find('throughput.ts');
row(
  `updates handled per second, end to end through the emulator (${number(throughput.updates, 'inline searches', 0)} at once)`,
  number(throughput.botPerSecond, '/s', 0),
  `the emulator alone answering getUpdates and sendMessage for a no-op client: ${number(throughput.noopPerSecond, '/s', 0)}`,
  ratio(throughput.botPerSecond, throughput.noopPerSecond),
);
for (const files of [100_000, SEARCH_LARGE]) {
  const search = find('search.ts', (f) => f.files === files);
  row(
    `search p95 at ${files.toLocaleString('en')} files (wall; CPU ${number(search.cpuP95Ms, 'ms', 2)})`,
    number(search.p95Ms, 'ms', 2),
    `one FTS5 MATCH lookup of a single rare word: ${number(search.rareMatchP95Ms, 'ms', 3)} (p95)`,
    ratio(search.p95Ms, search.rareMatchP95Ms),
  );
}
const download = find('download.ts');
row(
  `download press to sendDocument p95 (${number(download.presses, 'presses', 0)})`,
  number(download.p95Ms, 'ms'),
  `one sendMessage round trip: ${number(download.sendMessageP95Ms, 'ms')} (p95)`,
  ratio(download.p95Ms, download.sendMessageP95Ms),
);
for (const paid of [0, 1]) {
  const broadcast = find('broadcast.ts', (f) => f.paid === paid);
  row(
    `broadcast messages per second${paid ? ', paid' : ''} (${number(broadcast.recipients, 'recipients', 0)})`,
    number(broadcast.perSecond, '/s', 2),
    `${paid ? 'BROADCAST_PAID_RATE' : 'BROADCAST_RATE'}: ${number(broadcast.configured, '/s', 0)}`,
    ratio(broadcast.perSecond, broadcast.configured),
  );
}
const processing = [...results]
  .filter(({ run }) => run[0] === 'processing-memory.ts')
  .flatMap(({ figures }) => figures)
  .sort((a, b) => (b.mb ?? 0) - (a.mb ?? 0))[0];
row(
  `peak memory growth while processing a ${number(processing?.mb, 'MB', 0)} file`,
  number(processing?.growthMb, 'MB'),
  `the process's idle memory: ${number(processing?.baselineMb, 'MB')} (RSS)`,
  ratio(processing?.growthMb, processing?.baselineMb),
);
const idle = find('idle.ts');
row('idle memory of the bot process (RSS)', number(idle.botRssMb, 'MB'), 'none', '');
row('idle memory of the API process (RSS)', number(idle.apiRssMb, 'MB'), 'none', '');
const load = find('load.ts');
row(
  `event-loop delay p99 under the ${number(load.users, 'user', 0)} load (${number(load.errors, 'errors', 0)}, ${number(load.tooManyRequests, '429s', 0)})`,
  number(load.eventLoopP99Ms, 'ms'),
  'none',
  '',
);

const cores = cpus();
const [one, five, fifteen] = loadavg().map((value) => value.toFixed(1));
console.log(`\n## Benchmark table${quick ? ' (quick: --quick sizes)' : ''}\n`);
console.log(
  `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC; ${cores.length} cores (${cores[0]?.model.trim()}), ` +
    `${Math.round(totalmem() / 1024 ** 3)} GB memory; Node ${process.version}; load average at the end ` +
    `${one} / ${five} / ${fifteen}; ${Math.round((Date.now() - started) / 60_000)} min in all.\n`,
);
console.log('| figure | measured | limit, measured in the same run | ratio |');
console.log('| --- | --- | --- | --- |');
for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);
if (load.soakSeconds !== undefined) {
  console.log(
    `\nHeap after a full collection over the load's soak (${number(load.soakSeconds, 's', 0)}): ` +
      `${number(load.soakHeapGrowthMb, 'MB')} growth; ${number(load.answered, 'of', 0)} ${number(load.users, 'users answered', 0)}; ` +
      `messages ${number(load.sendsPerSecond, '/s')} against Telegram's 30/s.`,
  );
}
