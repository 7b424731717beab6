import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { it } from 'node:test';
import SQLite from 'better-sqlite3';
import type { Message, User } from 'grammy/types';
import { sql } from 'kysely';
import { type Db, openDatabase } from '../../src/db/database.js';
import type { LibraryFile } from '../../src/db/schema.js';
import { seeded } from '../bench/library.js';
import { type CallRecord, Emulator } from '../emulator/index.js';
import { type ApiRequest, apiClient } from './api-client.js';
import { ask, type BotProcess, eventually, saying, sleep, startBot } from './harness.js';
import { addTestFile, dataOf, sentMessage } from './library-helpers.js';

/** One process (APP_ROLE=all) or two (APP_ROLE=bot and APP_ROLE=api) on one DATA_DIR. */
export type Deployment = 'one' | 'two';

export interface CrashOptions {
  deployment: Deployment;
  /** How many times a process is killed with SIGKILL. */
  kills: number;
  /** Seeds every random choice: the kill timings, the victims and the workload. */
  seed: number;
  /** No new kill once this much time has gone (one kill at least); none by default. */
  budgetMs?: number;
  log?: (line: string) => void;
}

/** What the run acknowledged to its users, admin and HTTP client, all found after the kills. */
export interface CrashReport {
  kills: number;
  uploads: number;
  downloads: number;
  apiWrites: number;
  broadcasts: number;
  /** Dialog steps confirmed just before a kill and taken up again after it. */
  resumedSteps: number;
}

/** A seed from the environment (to replay a run) or a fresh one. */
export function seedFrom(variable: string): number {
  const given = process.env[variable];
  return given ? Number(given) : Math.floor(Math.random() * 2 ** 31);
}

const ADMIN_ID = 4242;
const PASSWORD = 'a long enough password';
const ENV = {
  APP_ROLE: 'all',
  ADMIN_IDS: String(ADMIN_ID),
  ADMIN_USERNAME: 'root',
  ADMIN_PASSWORD: PASSWORD,
  // Slow enough that a broadcast to the audience below spans a few seconds, and kills.
  BROADCAST_RATE: '15',
};
const HELP = /^How to use PrimeLingo/;
const SEND_FILE = /^Send the file to add/;
const SEND_TITLE = /^Now send the title/;
const SEND_TAGS = /^Send tags/;
const SAVED = /^✅ Saved as #(\d+) «(.+)»/;
const STEP_TIMEOUT_MS = 20_000;
const MB = 1024 * 1024;

class Killed extends Error {}

type Step = 'none' | 'file' | 'title' | 'tags';

/** The processes of one deployment on one DATA_DIR, killed and started again. */
class Processes {
  bot: BotProcess | undefined;
  api: BotProcess | undefined;
  url = '';
  readonly outputs: string[][] = [];

  constructor(
    private readonly emu: Emulator,
    readonly dataDir: string,
    readonly deployment: Deployment,
  ) {}

  async start(): Promise<void> {
    if (this.deployment === 'one') {
      if (!this.bot) {
        this.bot = await startBot(this.emu, { dataDir: this.dataDir, env: ENV });
        this.outputs.push(this.bot.output);
        this.url = await this.bot.apiUrl();
      }
      return;
    }
    if (!this.bot) {
      this.bot = await startBot(this.emu, {
        dataDir: this.dataDir,
        env: { ...ENV, APP_ROLE: 'bot' },
      });
      this.outputs.push(this.bot.output);
    }
    if (!this.api) {
      const api = await startBot(this.emu, {
        dataDir: this.dataDir,
        env: { ...ENV, APP_ROLE: 'api' },
        ready: false,
      });
      this.api = api;
      this.outputs.push(api.output);
      this.url = await api.apiUrl(90_000);
    }
  }

  /** Kills the bot, the API or both (one process: always both), with no shutdown at all. */
  async kill(victim: 'bot' | 'api' | 'both'): Promise<void> {
    if (this.deployment === 'one' || victim !== 'api') {
      await this.bot?.stop('SIGKILL');
      this.bot = undefined;
    }
    if (this.deployment === 'two' && victim !== 'bot') {
      await this.api?.stop('SIGKILL');
      this.api = undefined;
    }
  }

  async stopAll(): Promise<void> {
    await Promise.all([this.bot?.stop('SIGKILL'), this.api?.stop('SIGKILL')]);
  }
}

/**
 * Kills the bot (and in two processes, the API) with SIGKILL at random moments while an admin
 * walks the upload dialog, files are processed, users download, a broadcast runs and an HTTP
 * client writes; after every restart checks what issue #11 asks: the database is whole,
 * nothing acknowledged is lost, no chat is wedged, no temporary file is left, jobs and
 * broadcasts finish, and download counts equal the download rows.
 */
export async function runCrashes(options: CrashOptions): Promise<CrashReport> {
  const { deployment, kills, seed } = options;
  const log = options.log ?? (() => {});
  // Seeded, so a failing run can be replayed from its seed.
  const rnd = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rnd() * items.length)] as T;
  const between = (low: number, high: number) => low + Math.floor(rnd() * (high - low));

  // The crash is the fault under test: Telegram's own flood limits are lifted.
  const emu = await Emulator.start({ globalRate: null, perChatRate: null });
  const dataDir = await mkdtemp(join(tmpdir(), 'primelingo-crash-'));
  const processes = new Processes(emu, dataDir, deployment);
  let db: Db | undefined;
  try {
    await processes.start();
    db = await openDatabase(join(dataDir, 'primelingo.sqlite'));
    const request = await apiClient(processes.url, 'root', PASSWORD);
    const admin = emu.user({ id: ADMIN_ID, first_name: 'Admin', language_code: 'en' });
    const seeded: LibraryFile[] = [];
    for (let n = 0; n < 4; n++) {
      seeded.push(await addTestFile(emu, db, { title: `Seeded ${n}`, addedBy: ADMIN_ID }));
    }
    // The broadcasts' audience; the first three also download.
    const users = Array.from({ length: 30 }, (_, n) =>
      emu.user({ first_name: `Crash${n}`, language_code: 'en' }),
    );
    await Promise.all(users.map((user) => ask(emu, user, '/help', HELP, STEP_TIMEOUT_MS)));

    const ledger = new Ledger();
    const dialog = { step: 'none' as Step, sure: true, resumed: 0 };
    let upload = 0;

    const started = Date.now();
    let round = 1;
    for (; round <= kills; round++) {
      if (round > 1 && Date.now() - started > (options.budgetMs ?? Number.POSITIVE_INFINITY)) {
        log(`time budget spent: ${round - 1} kills`);
        break;
      }
      let onKill: (error: Killed) => void = () => {};
      const killing = new Promise<never>((_resolve, reject) => {
        onKill = reject;
      });
      killing.catch(() => {});
      /** Waits for `promise` unless the kill comes first. */
      const until = <T>(promise: Promise<T>) => Promise.race([promise, killing]);
      const pause = (ms: number) => until(sleep(ms));

      const adminDialog = async () => {
        if (!dialog.sure) {
          // A step was on its way at the kill: it may or may not have landed.
          await until(
            ask(
              emu,
              admin,
              '/cancel',
              /^(Cancelled|There is nothing to cancel)\.$/,
              STEP_TIMEOUT_MS,
            ),
          );
          dialog.step = 'none';
          dialog.sure = true;
        } else if (dialog.step !== 'none' && round > 1) {
          dialog.resumed++;
        }
        for (;;) {
          dialog.sure = false;
          if (dialog.step === 'none') {
            await until(ask(emu, admin, '/upload', SEND_FILE, STEP_TIMEOUT_MS));
            dialog.step = 'file';
          } else if (dialog.step === 'file') {
            upload++;
            const mark = emu.mark();
            emu.sendFile(admin, {
              kind: 'document',
              fileName: `crash ${seed} ${upload}.pdf`,
              size: between(1, 18) * MB,
            });
            await until(
              emu.waitForCall('sendMessage', saying(ADMIN_ID, SEND_TITLE), waitAfter(mark)),
            );
            dialog.step = 'title';
          } else if (dialog.step === 'title') {
            await until(
              ask(emu, admin, `Crash lesson ${round}.${upload}`, SEND_TAGS, STEP_TIMEOUT_MS),
            );
            dialog.step = 'tags';
          } else {
            const saved = await until(ask(emu, admin, 'crash, test', SAVED, STEP_TIMEOUT_MS));
            const [, id, title] = SAVED.exec(String(saved.params.text)) ?? [];
            ledger.uploads.set(Number(id), title ?? '');
            dialog.step = 'none';
          }
          dialog.sure = true;
          // A pause between steps: a kill there tests that the confirmed step was kept.
          await pause(between(0, 400));
        }
      };

      const downloader = async (user: User) => {
        for (;;) {
          const file = pick(seeded);
          let mark = emu.mark();
          emu.sendCommand(user, `/start f_${file.id}`);
          const card = sentMessage(
            await until(
              emu.waitForCall(
                'sendMessage',
                saying(user.id, (c) => dataOf(c, /Download/) === `dl:${file.id}`),
                waitAfter(mark),
              ),
            ),
          );
          mark = emu.mark();
          emu.pressButton(user, card as Message, `dl:${file.id}`);
          await until(
            emu.waitForCall(
              'sendDocument',
              saying(user.id, () => true),
              waitAfter(mark),
            ),
          );
          // The card goes once the download is counted: the user's acknowledgement.
          await until(
            emu.waitForCall(
              'deleteMessage',
              (c) =>
                c.ok && c.params.chat_id === user.id && c.params.message_id === card.message_id,
              waitAfter(mark),
            ),
          );
          ledger.countDownload(user.id, file.id);
          // Under the flood limit: 8 updates in 5 s.
          await pause(between(700, 1500));
        }
      };

      const http = async () => {
        let broadcastThisRound = false;
        for (;;) {
          const choice = rnd();
          if (choice < 0.15 && !broadcastThisRound) {
            broadcastThisRound = true;
            const text = `Crash broadcast ${seed} ${round}`;
            const answer = await until(
              apiCall(request, processes.url, 'POST', '/api/broadcasts', { text }),
            );
            if (answer?.status === 201) ledger.broadcasts.set(Number(answer.body.id), text);
          } else if (choice < 0.35) {
            const user = pick(users.slice(20));
            const answer = await until(
              apiCall(request, processes.url, 'POST', `/api/users/${user.id}/ban`),
            );
            if (answer && answer.status < 300) ledger.bans.add(user.id);
          } else {
            const file = pick(seeded);
            const title = `Edited ${file.id} ${round}.${ledger.edits++} - PrimeLingoBot`;
            const history = ledger.titles.get(file.id) ?? { sent: [], acked: -1 };
            ledger.titles.set(file.id, history);
            history.sent.push(title);
            const answer = await until(
              apiCall(request, processes.url, 'PATCH', `/api/files/${file.id}`, { title }),
            );
            if (answer && answer.status < 300) history.acked = history.sent.length - 1;
          }
          await pause(between(20, 200));
        }
      };

      const downloaders = users.slice(0, 3);
      const work = [adminDialog(), http(), ...downloaders.map(downloader)].map((task) =>
        task.catch((error: unknown) => {
          if (!(error instanceof Killed)) throw error;
        }),
      );
      const delay = between(300, 3000);
      const victim = deployment === 'one' ? 'both' : pick(['bot', 'api', 'both'] as const);
      const alive = Promise.all(work);
      await Promise.race([sleep(delay), alive]);
      log(`round ${round}/${kills}: SIGKILL ${victim} after ${delay} ms`);
      await processes.kill(victim);
      onKill(new Killed());
      await alive;
      const restarting = Date.now();
      await processes.start();
      log(`round ${round}: restarted in ${Date.now() - restarting} ms`);

      // No chat is wedged: everyone who took part writes again and is answered.
      await Promise.all(downloaders.map((user) => ask(emu, user, '/help', HELP, STEP_TIMEOUT_MS)));
      await verify(emu, db, dataDir, ledger);
      log(`round ${round}: ${ledger.summary()}`);
    }
    // The admin's dialog goes on (or is cancelled), and every chat answers.
    await ask(emu, admin, '/cancel', /^(Cancelled|There is nothing to cancel)\.$/, STEP_TIMEOUT_MS);
    // Banned users are ignored: those whose ban was answered, or cut off by a kill but made.
    const banned = await db
      .selectFrom('users')
      .select('id')
      .where('banned_at', 'is not', null)
      .execute();
    const answering = [admin, ...users].filter((user) => !banned.some((row) => row.id === user.id));
    await Promise.all(answering.map((user) => ask(emu, user, '/help', HELP, STEP_TIMEOUT_MS)));
    await verify(emu, db, dataDir, ledger);
    // A network error of the moment may fail a handler (faults are other tests' business),
    // but nothing may go unhandled.
    for (const output of processes.outputs) {
      assert.deepEqual(
        output.filter((line) => /unhandled rejection/.test(line)),
        [],
      );
    }
    return {
      kills: round - 1,
      uploads: ledger.uploads.size,
      downloads: [...ledger.downloads.values()].reduce((a, b) => a + b, 0),
      apiWrites: ledger.apiWrites(),
      broadcasts: ledger.broadcasts.size,
      resumedSteps: dialog.resumed,
    };
  } finally {
    await processes.stopAll();
    await db?.destroy();
    await emu.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** Everything the users, the admin and the HTTP client were told succeeded. */
class Ledger {
  /** Files the dialog saved: id -> title. */
  readonly uploads = new Map<number, string>();
  /** Titles the HTTP client sent per file, and the index of the last one answered 2xx. */
  readonly titles = new Map<number, { sent: string[]; acked: number }>();
  readonly bans = new Set<number>();
  /** Broadcasts answered 201: id -> text. */
  readonly broadcasts = new Map<number, string>();
  /** Acknowledged downloads per `user:file`. */
  readonly downloads = new Map<string, number>();
  edits = 0;

  countDownload(userId: number, fileId: number): void {
    const key = `${userId}:${fileId}`;
    this.downloads.set(key, (this.downloads.get(key) ?? 0) + 1);
  }

  apiWrites(): number {
    const edits = [...this.titles.values()].filter((history) => history.acked >= 0).length;
    return edits + this.bans.size + this.broadcasts.size;
  }

  summary(): string {
    const downloads = [...this.downloads.values()].reduce((a, b) => a + b, 0);
    return `${this.uploads.size} uploads, ${downloads} downloads, ${this.edits} edits sent, ${this.bans.size} bans, ${this.broadcasts.size} broadcasts acknowledged`;
  }
}

/** The checks after a restart (see runCrashes). */
async function verify(emu: Emulator, db: Db, dataDir: string, ledger: Ledger): Promise<void> {
  // A fresh connection, as the bot's start-up check has: a long-lived one's FTS5 keeps the
  // index structure it read last, and once another process has merged the index its
  // integrity_check reports blobs that are gone ("fts5: corruption found reading blob"),
  // while a fresh connection finds the same file whole.
  const fresh = new SQLite(join(dataDir, 'primelingo.sqlite'), { readonly: true });
  try {
    assert.deepEqual(fresh.pragma('integrity_check', { simple: false }), [
      { integrity_check: 'ok' },
    ]);
  } finally {
    fresh.close();
  }

  for (const [id, title] of ledger.uploads) {
    const row = await db
      .selectFrom('files')
      .select('title')
      .where('id', '=', id)
      .executeTakeFirst();
    assert.equal(row?.title, title, `uploaded file #${id}`);
  }
  for (const [id, history] of ledger.titles) {
    if (history.acked < 0) continue;
    const row = await db
      .selectFrom('files')
      .select('title')
      .where('id', '=', id)
      .executeTakeFirst();
    // The last title answered 2xx, or one sent after it whose answer the kill cut off.
    assert.ok(
      history.sent.slice(history.acked).includes(row?.title ?? ''),
      `file #${id}: ${row?.title}`,
    );
  }
  for (const id of ledger.bans) {
    const row = await db
      .selectFrom('users')
      .select('banned_at')
      .where('id', '=', id)
      .executeTakeFirst();
    assert.notEqual(row?.banned_at ?? null, null, `ban of user ${id}`);
  }
  for (const [key, count] of ledger.downloads) {
    const [userId, fileId] = key.split(':').map(Number);
    const rows = await db
      .selectFrom('downloads')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('user_id', '=', userId ?? 0)
      .where('file_id', '=', fileId ?? 0)
      .executeTakeFirstOrThrow();
    assert.ok(
      Number(rows.count) >= count,
      `downloads of ${key}: ${rows.count} rows, ${count} acknowledged`,
    );
  }

  // Unfinished jobs and broadcasts resume, to completion.
  await eventually(
    async () => {
      const open = await db
        .selectFrom('processing_jobs')
        .select('id')
        .where('status', 'in', ['queued', 'running'])
        .execute();
      return open.length === 0;
    },
    'every processing job to finish',
    60_000,
  );
  const failed = await db
    .selectFrom('processing_jobs')
    .select(['file_id', 'result'])
    .where('status', '=', 'failed')
    .execute();
  assert.deepEqual(failed, [], 'no processing job failed');
  await eventually(
    async () => {
      const open = await db
        .selectFrom('broadcasts')
        .select('id')
        .where('status', '!=', 'done')
        .execute();
      return open.length === 0;
    },
    'every broadcast to finish',
    60_000,
  );
  for (const [id, text] of ledger.broadcasts) {
    const row = await db
      .selectFrom('broadcasts')
      .select('status')
      .where('id', '=', id)
      .executeTakeFirst();
    assert.equal(row?.status, 'done', `broadcast #${id}`);
    const pending = await db
      .selectFrom('broadcast_recipients')
      .select('user_id')
      .where('broadcast_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    assert.deepEqual(pending, [], `broadcast #${id} left no one pending`);
    // Sent means delivered: at least once, the message a crash cut off may go twice.
    const sent = await db
      .selectFrom('broadcast_recipients')
      .select('user_id')
      .where('broadcast_id', '=', id)
      .where('status', '=', 'sent')
      .execute();
    for (const { user_id } of sent) {
      const got = (c: CallRecord) => c.ok && c.params.chat_id === user_id && c.params.text === text;
      assert.ok(emu.calls.some(got), `broadcast #${id} reached user ${user_id}`);
    }
  }

  // No temporary file is left behind (the sessions' orphans go in the start-up pass).
  assert.deepEqual(await readdir(join(dataDir, 'tmp')), []);
  await eventually(async () => {
    const entries = await readdir(join(dataDir, 'sessions'), { recursive: true }).catch(() => []);
    return !entries.some((name) => String(name).endsWith('.tmp'));
  }, 'no temporary session file');

  // Download counts equal the download rows plus the folded per-day counts.
  const files = await sql<{ id: number; counted: number; recorded: number }>`
    SELECT f.id, f.downloads_count AS counted,
      (SELECT count(*) FROM downloads d WHERE d.file_id = f.id)
      + (SELECT coalesce(sum(h.count), 0) FROM download_history h WHERE h.file_id = f.id) AS recorded
    FROM files f`.execute(db);
  for (const file of files.rows)
    assert.equal(file.counted, file.recorded, `downloads of file #${file.id}`);
  const totals = await sql<{ counter: number; recorded: number; days: number }>`
    SELECT (SELECT value FROM counters WHERE name = 'downloads') AS counter,
      (SELECT count(*) FROM downloads)
      + (SELECT coalesce(sum(count), 0) FROM download_history) AS recorded,
      (SELECT coalesce(sum(count), 0) FROM download_days) AS days`.execute(db);
  const [total] = totals.rows;
  assert.equal(total?.counter, total?.recorded, 'the downloads counter');
  assert.equal(total?.days, total?.recorded, 'the downloads per day');
}

const waitAfter = (mark: number) => ({ after: mark, timeoutMs: STEP_TIMEOUT_MS });

/** An admin API call; undefined when the process was not there to answer (killed). */
async function apiCall(
  request: ApiRequest,
  url: string,
  method: string,
  path: string,
  body?: unknown,
) {
  try {
    const answer = await request(method, path, body, url);
    assert.ok(answer.status < 500, `${method} ${path}: ${JSON.stringify(answer)}`);
    return answer;
  } catch (error) {
    if (error instanceof assert.AssertionError) throw error;
    return undefined;
  }
}

/**
 * The crash test of one deployment in `npm test`: up to CRASH_KILLS kills (default 3), but no
 * new one after 15 s (one at least): every restart loads the app again, seconds on an idle
 * machine and up to a minute on a crowded one, and a test file has two minutes: a smoke test.
 * `npx tsx test/bench/crash.ts` (in `npm run bench`) runs the full size, 100 kills of each
 * deployment. CRASH_SEED replays a run (it is printed).
 */
export function crashTest(deployment: Deployment): void {
  const kills = Number(process.env.CRASH_KILLS ?? 3);
  const seed = seedFrom('CRASH_SEED');
  const name = deployment === 'one' ? 'one process' : 'two processes';
  it(`${name}: SIGKILL at random moments loses nothing acknowledged, wedges nothing, leaves nothing`, async () => {
    console.log(`crash test (${name}): CRASH_SEED=${seed} CRASH_KILLS=${kills}`);
    const report = await runCrashes({
      deployment,
      kills,
      seed,
      budgetMs: 15_000,
      log: (line) => console.log(`  ${line}`),
    });
    console.log(`crash test (${name}): ${JSON.stringify(report)}`);
    // The workload did run between the kills: there was something to lose.
    assert.ok(report.uploads + report.downloads + report.apiWrites > 0);
  });
}
