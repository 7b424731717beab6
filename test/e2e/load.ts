/**
 * The load run shared by the load test and the load benchmark: many users search, open a card
 * and download at once through the emulator, with Telegram's flood limits on (30 messages/s in
 * all, 1/s per chat), while a broadcast to all of them runs and an admin polls the admin API.
 * The bot process carries the probe (test/bench/probe.ts), read on SIGUSR2 for the event
 * loop's delay and the heap after a collection.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Message, User } from 'grammy/types';
import { type Db, openDatabase } from '../../src/db/database.js';
import type { Delay, ProbeLine } from '../bench/probe.js';
import { percentile } from '../bench/result.js';
import { type CallRecord, Emulator } from '../emulator/index.js';
import { inTree } from '../paths.js';
import { apiClient } from './api-client.js';
import { type BotProcess, type Expected, eventually, saying, sleep, startBot } from './harness.js';
import { addTestFile, buttonsOf, dataOf, sentMessage } from './library-helpers.js';

const PROBE = inTree('test/bench/probe.ts');
const STEPS = ['search', 'card', 'download'] as const;
type Step = (typeof STEPS)[number];
const ADMIN = { username: 'root', password: 'a long enough password' };
const BROADCAST_TEXT = 'Load run: a new lesson is out!';
/** Words every generated title holds one of, so each search finds files. */
const WORDS = ['grammar', 'listening', 'reading', 'writing', 'speaking'];

export interface LoadOptions {
  users: number;
  /** Users begin their first search spread over this long. */
  rampMs: number;
  /** After the ramp, users go on with new rounds until this much time has passed in all. */
  durationMs: number;
  /** A user waits up to this long (uniformly) before each action, as people read. */
  thinkMs: number;
  /** How often the heap and the event loop are sampled. */
  sampleEveryMs: number;
  /** A step not answered in this long is an error: the user was never answered. */
  stepTimeoutMs: number;
  files?: number;
  /** Progress lines (the benchmark prints them; the test does not). */
  progress?: (line: string) => void;
}

export interface BroadcastCounts {
  total: number;
  sent: number;
}

export interface Percentiles {
  count: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

export interface LoadReport {
  users: number;
  /** Users who got all three answers at least once. */
  answered: number;
  rounds: number;
  errors: string[];
  latencyMs: Record<Step, Percentiles>;
  /** The bot's delivered messages per second over the run, against Telegram's 30/s. */
  sendsPerSecond: number;
  /** The methods of the calls Telegram refused with 429 (the bot waited and sent again). */
  tooManyRequests: string[];
  /** The broadcast's recipients as the admin API counts them when it is done. */
  broadcast: BroadcastCounts;
  apiPolls: number;
  /** Event-loop delay over the whole load, in ms. */
  eventLoop: Delay;
  /** Heap after a collection and RSS, sampled through the run (the first after warm-up). */
  memory: { seconds: number; heapMb: number; rssMb: number }[];
  seconds: number;
}

function percentiles(values: readonly number[]): Percentiles {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50: Math.round(percentile(sorted, 50)),
    p95: Math.round(percentile(sorted, 95)),
    p99: Math.round(percentile(sorted, 99)),
    max: Math.round(sorted.at(-1) ?? 0),
  };
}

/** Runs the load against a fresh emulator and bot process; tears both down. */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  const emu = await Emulator.start();
  const dataDir = await mkdtemp(join(tmpdir(), 'primelingo-load-'));
  const probeFile = join(dataDir, 'probe.jsonl');
  let bot: BotProcess | undefined;
  let db: Db | undefined;
  try {
    const admin = emu.user({ first_name: 'Admin', language_code: 'en', started: true });
    bot = await startBot(emu, {
      dataDir,
      nodeArgs: ['--expose-gc', '--import', PROBE],
      env: {
        APP_ROLE: 'all',
        PROBE_FILE: probeFile,
        // The production default: errors and warnings are what the run counts.
        LOG_LEVEL: 'info',
        ADMIN_IDS: String(admin.id),
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
      },
    });
    db = await openDatabase(join(bot.dataDir, 'primelingo.sqlite'));
    return await drive(emu, bot, db, admin, options, probeFile);
  } finally {
    await bot?.stop('SIGKILL');
    await db?.destroy();
    await emu.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

async function drive(
  emu: Emulator,
  bot: BotProcess,
  db: Db,
  admin: User,
  options: LoadOptions,
  probeFile: string,
): Promise<LoadReport> {
  const { progress = () => undefined } = options;
  for (let n = 0; n < (options.files ?? 50); n++) {
    const title = `${WORDS[n % WORDS.length]} lesson ${n}`;
    await addTestFile(emu, db, { title, tags: ['load'], addedBy: admin.id });
  }
  const users = Array.from({ length: options.users }, (_, i) =>
    emu.user({ first_name: `Learner${i}`, language_code: 'en', started: true }),
  );
  // Known to the bot already, as users who started it before: the broadcast reaches them all.
  for (let i = 0; i < users.length; i += 500) {
    const rows = users.slice(i, i + 500).map((u) => ({ id: u.id, first_name: u.first_name }));
    await db.insertInto('users').values(rows).execute();
  }
  const request = await apiClient(await bot.apiUrl(), ADMIN.username, ADMIN.password);

  const errors: string[] = [];
  const latencies: Record<Step, number[]> = { search: [], card: [], download: [] };
  const answered = new Set<number>();
  let rounds = 0;
  const started = performance.now();
  const deadline = started + Math.max(options.durationMs, options.rampMs);
  const elapsed = () => (performance.now() - started) / 1000;
  const firstCall = emu.mark();
  const logsBefore = bot.output.length;

  const probes: ProbeLine[] = [];
  const memory: LoadReport['memory'] = [];
  const sample = async () => {
    const count = probes.length;
    bot.child.kill('SIGUSR2');
    const line = await waitForProbe(probeFile, count);
    probes.push(line);
    memory.push({ seconds: Math.round(elapsed()), heapMb: line.heapMb, rssMb: line.rssMb });
    return line;
  };
  await sample();

  let running = true;
  const sampler = (async () => {
    while (running) {
      await sleep(options.sampleEveryMs);
      if (!running) break;
      const line = await sample();
      progress(
        `  ${Math.round(elapsed())} s: ${rounds} rounds, ${answered.size} users answered, ` +
          `heap ${line.heapMb} MB, rss ${line.rssMb} MB, loop p99 ${line.window.p99} ms`,
      );
    }
  })();

  let apiPolls = 0;
  const poller = (async () => {
    while (running) {
      for (const path of ['/api/stats', '/api/broadcasts', '/api/health-checks']) {
        const answer = await request('GET', path);
        apiPolls++;
        if (answer.status !== 200) errors.push(`GET ${path}: ${answer.status}`);
      }
      await sleep(1000);
    }
  })();

  const created = await request('POST', '/api/broadcasts', { text: BROADCAST_TEXT });
  if (created.status !== 201) errors.push(`POST /api/broadcasts: ${created.status}`);

  const think = () => sleep(Math.random() * options.thinkMs);
  /** Does the act, waits for the reply it must bring, and times it. */
  const step = async (
    name: Step,
    user: User,
    act: () => void,
    method: string,
    expected: Expected,
  ) => {
    const mark = emu.mark();
    const at = performance.now();
    act();
    const call = await emu.waitForCall(method, saying(user.id, expected), {
      after: mark,
      timeoutMs: options.stepTimeoutMs,
    });
    latencies[name].push(performance.now() - at);
    return sentMessage(call);
  };
  const round = async (user: User, n: number) => {
    const word = WORDS[(user.id + n) % WORDS.length] as string;
    const results = await step(
      'search',
      user,
      () => emu.sendText(user, word),
      'sendMessage',
      (c) => fileButtons(c).length > 0,
    );
    await think();
    const files = fileButtons(results);
    const open = files[Math.floor(Math.random() * files.length)] as string;
    const card = await step(
      'card',
      user,
      () => emu.pressButton(user, results, open),
      'sendMessage',
      (c) =>
        buttonsOf(c).some((b) => 'callback_data' in b && b.callback_data === `dl:${open.slice(5)}`),
    );
    await think();
    const press = () => emu.pressButton(user, card, dataOf(card, /⬇️/));
    await step('download', user, press, 'sendDocument', () => true);
    rounds++;
    answered.add(user.id);
  };
  const userLoop = async (user: User, index: number) => {
    await sleep((options.rampMs * index) / users.length);
    for (let n = 0; n === 0 || performance.now() < deadline; n++) {
      try {
        await round(user, n);
      } catch (error) {
        errors.push(
          `user ${user.id}: ${error instanceof Error ? error.message.split('\n')[0] : error}`,
        );
        return;
      }
      await think();
    }
  };
  await Promise.all(users.map(userLoop));
  // The broadcast may outlast the users; the run is over when it is.
  const id = Number(created.body.id);
  const finished = await eventually(
    async () => {
      const { body } = await request('GET', `/api/broadcasts/${id}`);
      return body.status === 'done' && (body.recipients as BroadcastCounts);
    },
    `broadcast #${id} to finish`,
    options.stepTimeoutMs,
  ).catch((error: unknown) => {
    errors.push(String(error));
    return undefined;
  });

  running = false;
  await Promise.all([sampler, poller]);
  const last = await sample();
  const seconds = elapsed();

  const calls = emu.calls.slice(firstCall);
  const delivered = calls.filter((c) => c.ok && /^(send|copy)/.test(c.method)).length;
  for (const line of bot.output.slice(logsBefore)) {
    const level = /"level":(\d+)/.exec(line)?.[1];
    if (level !== undefined && Number(level) >= 40) errors.push(`bot log: ${logged(line)}`);
  }
  return {
    users: users.length,
    answered: answered.size,
    rounds,
    errors,
    latencyMs: {
      search: percentiles(latencies.search),
      card: percentiles(latencies.card),
      download: percentiles(latencies.download),
    },
    sendsPerSecond: Math.round((delivered / seconds) * 10) / 10,
    tooManyRequests: calls.filter((c) => c.error?.error_code === 429).map((c) => c.method),
    broadcast: finished ?? { total: 0, sent: 0 },
    apiPolls,
    eventLoop: last.total,
    memory,
    seconds: Math.round(seconds),
  };
}

/** A warning or error the bot logged, in short: its message and its error's, with the cause. */
function logged(line: string): string {
  const entry = JSON.parse(line) as { msg?: string; err?: { message?: string; stack?: string } };
  const cause = /\[cause\]: (.*)/.exec(entry.err?.stack ?? '')?.[1];
  return [entry.msg, entry.err?.message, cause].filter(Boolean).join(': ');
}

/** The callback data of the buttons that open a file's card (`file:<id>`). */
function fileButtons(source: CallRecord | Message): string[] {
  return buttonsOf(source).flatMap((b) =>
    'callback_data' in b && b.callback_data?.startsWith('file:') ? [b.callback_data] : [],
  );
}

/** The probe's line after the first `count`, once the bot has written it. */
async function waitForProbe(file: string, count: number): Promise<ProbeLine> {
  for (let tries = 0; tries < 600; tries++) {
    const text = await readFile(file, 'utf8').catch(() => '');
    const lines = text.split('\n').filter(Boolean);
    if (lines.length > count) return JSON.parse(lines[count] as string) as ProbeLine;
    await sleep(50);
  }
  throw new Error('the probe did not answer within 30 s');
}
