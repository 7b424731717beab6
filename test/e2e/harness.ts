import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { User } from 'grammy/types';
import { type Db, openDatabase } from '../../src/db/database.js';
import { type CallRecord, Emulator } from '../emulator/index.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAIN = join(ROOT, 'src/main.ts');
const TSX = import.meta.resolve('tsx');
/** A process that exits fails at once; this only bounds one that hangs (a busy machine is slow). */
const START_TIMEOUT_MS = 60_000;

/** The real bot process (`src/main.ts`), started against an emulator. */
export class BotProcess {
  readonly output: string[] = [];
  private readonly exited: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    readonly dataDir: string,
  ) {
    const collect = (chunk: Buffer) =>
      this.output.push(...String(chunk).split('\n').filter(Boolean));
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Resolves with the first output line matching, or rejects with the output so far. */
  async waitForOutput(pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.output.find((candidate) => pattern.test(candidate));
      if (line) return line;
      if (this.child.exitCode !== null) break;
      await sleep(25);
    }
    throw new Error(`no output line matched ${pattern}; output:\n${this.output.join('\n')}`);
  }

  /** Sends a signal and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  exit(): Promise<number | null> {
    return this.exited;
  }

  /** The admin API's base URL, once it listens (API_PORT is 0 in tests: a free port). */
  async apiUrl(timeoutMs?: number): Promise<string> {
    const line = await this.waitForOutput(/"msg":"admin API listening"/, timeoutMs);
    return (JSON.parse(line) as { url: string }).url;
  }
}

export interface StartOptions {
  /** Reuse a data directory (a restart); a fresh one by default. */
  dataDir?: string;
  env?: Record<string, string>;
  /** Node options before the bot's entry point (the load runs preload a probe). */
  nodeArgs?: string[];
  /** Wait until the bot reports it started (default true). */
  ready?: boolean;
}

/** Starts `src/main.ts` with the emulator's token and API root and a data directory. */
export async function startBot(emu: Emulator, options: StartOptions = {}): Promise<BotProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'primelingo-')));
  const child = spawn(process.execPath, ['--import', TSX, ...(options.nodeArgs ?? []), MAIN], {
    // Not the project root: a developer's .env there must not leak into the tests.
    cwd: dataDir,
    env: {
      PATH: process.env.PATH,
      BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'debug',
      // A free port for the admin API, which `npm start` runs beside the bot.
      API_PORT: '0',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const bot = new BotProcess(child, dataDir);
  if (options.ready !== false) {
    try {
      // In webhook mode the bot logs this once setWebhook succeeded: the emulator posts to it.
      await bot.waitForOutput(/"msg":"bot started"/);
      if (options.env?.BOT_MODE !== 'webhook') {
        await eventually(() => emu.pollers > 0, 'the bot to poll');
      }
    } catch (error) {
      // A bot that never got going must not outlive the test file and keep it open.
      await bot.stop('SIGKILL');
      throw error;
    }
  }
  return bot;
}

/** An emulator and a running bot, torn down together. */
export interface World {
  emu: Emulator;
  bot: BotProcess;
  /** Stops the bot (SIGTERM) and starts it again on the same data. */
  restart(): Promise<void>;
  /** Kills the bot (SIGKILL: no shutdown at all) and starts it again on the same data. */
  crash(): Promise<void>;
  /**
   * Sends `text` (a /command or plain text) as the user and resolves with the bot's first
   * sendMessage to that chat, from then on, that says what is `expected`: never merely the
   * next message, which may answer an earlier step or come from a background job.
   */
  ask(user: User, text: string, expected: Expected): Promise<CallRecord>;
  /** Opens the bot's database (WAL allows it beside the running bot). */
  db(): Promise<Db>;
  close(): Promise<void>;
}

export async function startWorld(
  options: { env?: Record<string, string>; emulator?: Parameters<typeof Emulator.start>[0] } = {},
): Promise<World> {
  const emu = await Emulator.start(options.emulator ?? {});
  const databases: Db[] = [];
  let bot: BotProcess;
  try {
    bot = await startBot(emu, { env: options.env ?? {} });
  } catch (error) {
    // An open emulator would keep the test file waiting forever; fail within seconds.
    await emu.stop();
    throw error;
  }
  const world: World = {
    emu,
    bot,
    async restart() {
      const code = await world.bot.stop();
      if (code !== 0) throw new Error(`bot exited with ${code}:\n${world.bot.output.join('\n')}`);
      world.bot = await startBot(emu, { dataDir: world.bot.dataDir, env: options.env ?? {} });
    },
    async ask(user, text, expected) {
      const mark = emu.mark();
      if (text.startsWith('/')) emu.sendCommand(user, text);
      else emu.sendText(user, text);
      return emu.waitForCall('sendMessage', saying(user.id, expected), { after: mark });
    },
    async crash() {
      await world.bot.stop('SIGKILL');
      world.bot = await startBot(emu, { dataDir: world.bot.dataDir, env: options.env ?? {} });
    },
    async db() {
      const db = await openDatabase(join(world.bot.dataDir, 'primelingo.sqlite'));
      databases.push(db);
      return db;
    },
    async close() {
      await world.bot.stop('SIGKILL');
      await Promise.all(databases.map((db) => db.destroy()));
      await emu.stop();
      await rm(world.bot.dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

/** What a reply must say: its exact text, a pattern of its text, or any test of the call. */
export type Expected = string | RegExp | ((call: CallRecord) => boolean);

/**
 * A waitForCall predicate: the call went through, to `chatId`, and says what is expected
 * (sendMessage, editMessageText and the like carry `text`).
 */
export function saying(chatId: number, expected: Expected): (call: CallRecord) => boolean {
  return (call) => {
    if (!call.ok || call.params.chat_id !== chatId) return false;
    if (typeof expected === 'function') return expected(call);
    const text = String(call.params.text);
    return typeof expected === 'string' ? text === expected : expected.test(text);
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a value other than undefined/false. */
export async function eventually<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** Resolves once the bot's getUpdates has taken `update` (at or after the `after` cursor). */
export async function delivered(emu: Emulator, update: { update_id: number }, after: number) {
  await emu.waitForCall(
    'getUpdates',
    (c) =>
      (c.result as { update_id: number }[] | undefined)?.some(
        (u) => u.update_id === update.update_id,
      ) ?? false,
    { after },
  );
}
