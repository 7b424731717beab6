import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { User } from 'grammy/types';
import { type App, createApp } from '../../src/app.js';
import type { MessageLimits } from '../../src/bot/outbox.js';
import { type Config, loadConfig } from '../../src/config.js';
import { type Db, openDatabase } from '../../src/db/database.js';
import { type CallRecord, Emulator } from '../emulator/index.js';
import { inTree, LOADER } from '../paths.js';

const MAIN = inTree('src/main.ts');
/** A process that exits fails at once; this only bounds one that hangs (a busy machine is slow). */
const START_TIMEOUT_MS = 60_000;

/**
 * The bot under test, with what a test reads of it. Two kinds run it:
 * - {@link AppInTest} (`startApp`): `createApp` in the test's own process, as `src/main.ts`
 *   builds it. The default of `startWorld`: it starts in a fraction of a process's time;
 * - {@link BotProcess} (`startBot`, `startWorld({ process: true })`): the real `src/main.ts`,
 *   for what only a process shows: signals, exit codes, kill -9, standard output with LOG_FILE,
 *   several processes on one DATA_DIR.
 */
export abstract class RunningBot {
  /** Every log line so far (JSON), and for a process whatever else it wrote. */
  readonly output: string[] = [];

  constructor(readonly dataDir: string) {}

  /** Ends the bot: a process on SIGTERM, the app through its stop; resolves with the exit code. */
  abstract stop(): Promise<number | null>;
  /** Ends the bot at once, without a graceful shutdown where it can (a test's teardown). */
  abstract kill(): Promise<void>;
  /** The bot has stopped, or its process has exited. */
  abstract ended(): boolean;

  /** Resolves with the first output line matching, or rejects with the output so far. */
  async waitForOutput(pattern: RegExp, timeoutMs = START_TIMEOUT_MS): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const line = this.output.find((candidate) => pattern.test(candidate));
      if (line) return line;
      if (this.ended()) break;
      await sleep(25);
    }
    throw new Error(`no output line matched ${pattern}; output:\n${this.output.join('\n')}`);
  }

  /** The admin API's base URL, once it listens (with APP_ROLE=all or api; on a free port). */
  async apiUrl(timeoutMs?: number): Promise<string> {
    const line = await this.waitForOutput(/"msg":"admin API listening"/, timeoutMs);
    return (JSON.parse(line) as { url: string }).url;
  }

  protected collect(chunk: Buffer | string): void {
    this.output.push(...String(chunk).split('\n').filter(Boolean));
  }
}

/**
 * Bot processes still running. A test file that ends early (past test/run.ts's timeout, the
 * runner sends it SIGTERM) kills them on its way out, or they would outlive it, polling for ever.
 */
const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});
process.once('SIGTERM', () => process.exit(143));

/** The real bot process (`src/main.ts`), started against an emulator. */
export class BotProcess extends RunningBot {
  private readonly exited: Promise<number | null>;

  constructor(
    readonly child: ChildProcess,
    dataDir: string,
  ) {
    super(dataDir);
    const collect = (chunk: Buffer) => this.collect(chunk);
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    children.add(child);
    this.exited = new Promise((resolve) =>
      child.once('exit', (code) => {
        children.delete(child);
        resolve(code);
      }),
    );
  }

  /** Sends a signal and resolves with the exit code. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }

  async kill(): Promise<void> {
    await this.stop('SIGKILL');
  }

  exit(): Promise<number | null> {
    return this.exited;
  }

  ended(): boolean {
    return this.child.exitCode !== null;
  }
}

/**
 * The app of `src/main.ts` in the test's own process. Its exit code is what main.ts would
 * exit with: 0 after a clean stop, 1 after a part failed for good or the stop threw.
 */
export class AppInTest extends RunningBot {
  private app: App | undefined;
  private stopped: Promise<number> | undefined;
  private code = 0;

  async start(config: Config, messageLimits: MessageLimits): Promise<void> {
    this.app = await createApp(config, {
      messageLimits,
      // main.ts stops and exits 1; here the stop resolves with 1.
      onFatal: () => {
        this.code = 1;
        void this.stop();
      },
      logDestination: { write: (line) => this.collect(line) },
    });
    await this.app.start();
  }

  stop(): Promise<number> {
    this.stopped ??= (async () => {
      try {
        await this.app?.stop();
      } catch (error) {
        this.collect(`stop failed: ${error instanceof Error ? error.stack : String(error)}`);
        this.code = 1;
      }
      return this.code;
    })();
    return this.stopped;
  }

  async kill(): Promise<void> {
    await this.stop();
  }

  ended(): boolean {
    return this.stopped !== undefined;
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

/** The environment of the bot under test: the emulator, its data, debug logs, a free port. */
function botEnvironment(
  emu: Emulator,
  dataDir: string,
  env: Record<string, string> = {},
): Record<string, string> {
  return {
    BOT_TOKEN: emu.token,
    TELEGRAM_API_ROOT: emu.apiRoot,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'debug',
    // The bot alone, as PM2's bot app runs it, unless the test asks for the admin API beside
    // it (APP_ROLE=all, as `npm start`): building the API (Fastify, its plugins and their
    // schemas) costs a second and a half of CPU, and four test files share two cores.
    APP_ROLE: 'bot',
    // A free port for the admin API when it runs.
    API_PORT: '0',
    ...env,
  };
}

/** Starts `src/main.ts` with the emulator's token and API root and a data directory. */
export async function startBot(emu: Emulator, options: StartOptions = {}): Promise<BotProcess> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'primelingo-')));
  const child = spawn(process.execPath, [...LOADER, ...(options.nodeArgs ?? []), MAIN], {
    // Not the project root: a developer's .env there must not leak into the tests.
    cwd: dataDir,
    env: { PATH: process.env.PATH, ...botEnvironment(emu, dataDir, options.env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const bot = new BotProcess(child, dataDir);
  if (options.ready !== false) {
    await untilStarted(emu, bot, options.env, () => bot.waitForOutput(STARTED));
  }
  return bot;
}

/**
 * Builds and starts the app in this process, with its config read from the same environment
 * `startBot` gives the process (and nothing of this process's own environment or `.env`).
 */
export async function startApp(
  emu: Emulator,
  options: Omit<StartOptions, 'ready'> = {},
): Promise<AppInTest> {
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'primelingo-')));
  const env = botEnvironment(emu, dataDir, options.env);
  // pino's file transport writes standard output from a thread of its own, past the capture.
  if (env.LOG_FILE) throw new Error('LOG_FILE needs a real process: startWorld({ process: true })');
  const bot = new AppInTest(dataDir);
  // The bot keeps to the emulator's limits (a test may lift one), as it would to Telegram's.
  const { globalRate, perChatRate, perChatBurst } = emu.limits;
  const limits = {
    perSecond: globalRate ?? Number.POSITIVE_INFINITY,
    perChatPerSecond: perChatRate ?? Number.POSITIVE_INFINITY,
    perChatBurst,
  };
  await untilStarted(emu, bot, env, () => bot.start(loadConfig(env), limits));
  return bot;
}

const STARTED = /"msg":"bot started"/;

/**
 * Waits until the bot started and, unless in webhook mode (where "bot started" comes once
 * setWebhook succeeded and the emulator posts to it), polls. One that never got going is
 * ended, or it would keep the test file open.
 */
async function untilStarted(
  emu: Emulator,
  bot: RunningBot,
  env: Record<string, string> | undefined,
  started: () => Promise<unknown>,
) {
  try {
    await started();
    if (env?.BOT_MODE !== 'webhook') await eventually(() => emu.pollers > 0, 'the bot to poll');
  } catch (error) {
    await bot.kill();
    throw error;
  }
}

/** An emulator and a running bot, torn down together. */
export interface World {
  emu: Emulator;
  bot: RunningBot;
  /**
   * Stops the bot (SIGTERM, or the app's stop), which must end cleanly, runs `whileDown` if
   * given, and starts it again on the same data.
   */
  restart(whileDown?: () => Promise<void> | void): Promise<void>;
  /**
   * Kills the bot (SIGKILL: no shutdown at all) and starts it again on the same data. Only a
   * process can die that way: the world must be started with `process: true`.
   */
  crash(): Promise<void>;
  /** {@link ask} in this world's emulator. */
  ask(user: User, text: string, expected: Expected, timeoutMs?: number): Promise<CallRecord>;
  /** Opens the bot's database (WAL allows it beside the running bot). */
  db(): Promise<Db>;
  close(): Promise<void>;
}

export interface WorldOptions {
  env?: Record<string, string>;
  emulator?: Parameters<typeof Emulator.start>[0];
  /**
   * Runs the real `src/main.ts` process instead of the app in the test's process (the
   * default): for what only a process has (see {@link RunningBot}), crash() among them.
   */
  process?: boolean;
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const emu = await Emulator.start(options.emulator ?? {});
  const databases: Db[] = [];
  const start = (dataDir?: string) => {
    const startOptions = { env: options.env ?? {}, ...(dataDir ? { dataDir } : {}) };
    return options.process ? startBot(emu, startOptions) : startApp(emu, startOptions);
  };
  let bot: RunningBot;
  try {
    bot = await start();
  } catch (error) {
    // An open emulator would keep the test file waiting forever; fail within seconds.
    await emu.stop();
    throw error;
  }
  const world: World = {
    emu,
    bot,
    async restart(whileDown) {
      const code = await world.bot.stop();
      if (code !== 0) throw new Error(`bot exited with ${code}:\n${world.bot.output.join('\n')}`);
      await whileDown?.();
      world.bot = await start(world.bot.dataDir);
    },
    ask: (user, text, expected, timeoutMs) => ask(emu, user, text, expected, timeoutMs),
    async crash() {
      if (!(world.bot instanceof BotProcess)) {
        throw new Error('crash() needs a real process: startWorld({ process: true })');
      }
      await world.bot.kill();
      world.bot = await start(world.bot.dataDir);
    },
    async db() {
      const db = await openDatabase(join(world.bot.dataDir, 'primelingo.sqlite'));
      databases.push(db);
      return db;
    },
    async close() {
      await world.bot.kill();
      await Promise.all(databases.map((db) => db.destroy()));
      await emu.stop();
      await rm(world.bot.dataDir, { recursive: true, force: true });
    },
  };
  return world;
}

/**
 * Sends `text` (a /command or plain text) as the user and resolves with the bot's first
 * sendMessage to that chat, from then on, that says what is `expected`: never merely the
 * next message, which may answer an earlier step or come from a background job. `timeoutMs`
 * as waitForCall's.
 */
export function ask(
  emu: Emulator,
  user: User,
  text: string,
  expected: Expected,
  timeoutMs?: number,
): Promise<CallRecord> {
  const mark = emu.mark();
  if (text.startsWith('/')) emu.sendCommand(user, text);
  else emu.sendText(user, text);
  return emu.waitForCall('sendMessage', saying(user.id, expected), { after: mark, timeoutMs });
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

/**
 * Resolves once the bot's getUpdates has taken `update` (at or after the `after` cursor);
 * `timeoutMs` as waitForCall's (a backlog may make it take a while).
 */
export async function delivered(
  emu: Emulator,
  update: { update_id: number },
  after: number,
  timeoutMs?: number,
) {
  await emu.waitForCall(
    'getUpdates',
    (c) =>
      (c.result as { update_id: number }[] | undefined)?.some(
        (u) => u.update_id === update.update_id,
      ) ?? false,
    { after, timeoutMs },
  );
}
