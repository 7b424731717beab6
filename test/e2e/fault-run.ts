import assert from 'node:assert/strict';
import type { User } from 'grammy/types';
import { sql } from 'kysely';
import { countRecipients } from '../../src/db/broadcasts.js';
import type { Db } from '../../src/db/database.js';
import type { CallRecord, Emulator } from '../emulator/index.js';
import type { Keyboard } from './broadcast-helpers.js';
import { eventually, sleep, startWorld, type World } from './harness.js';
import { addTestFile, dataOf, shownMessage } from './library-helpers.js';

// Two admins, each doing one thing at a time: one uploads, the other broadcasts.
const UPLOADER = 7200;
const ANNOUNCER = 7201;
const SORRY = 'Sorry, something went wrong on our side. Please try again in a moment.';
const TEXT = 'Fault run news';

/** The size of a fault run. */
export interface FaultRunOptions {
  /** Users who search and download. */
  users: number;
  /** The broadcast's recipients in all (the users and the admins among them). */
  audience: number;
  /** The 429 storm: every call answers 429 with the seconds left as retry_after. */
  stormSeconds: number;
}

/** What the emulator saw during the run, and the broadcast's outcome. */
export interface FaultRunFigures {
  seconds: number;
  calls: number;
  tooManyRequests: number;
  serverErrors: number;
  dropped: number;
  apologies: number;
  downloads: number;
  broadcast: Awaited<ReturnType<typeof countRecipients>>;
}

/**
 * Everything at once under faults, against the bot (in the test's process: a crash fails the
 * run all the same): users search, open cards and download, one admin uploads a file and another
 * broadcasts, while the emulator injects latency, 5xx bursts, dropped connections and a 429
 * storm. People behave as people do: one who gets the apology, or no answer for 20 s, tries
 * again. Asserts the outcome: no crash, nothing lost,
 * everyone answered, the broadcast exactly once but for the unknown outcomes it reports.
 */
export async function faultRun(options: FaultRunOptions): Promise<FaultRunFigures> {
  const world = await startWorld({
    env: {
      ADMIN_IDS: `${UPLOADER},${ANNOUNCER}`,
      BOT_API_TIMEOUT_SECONDS: '3',
      BROADCAST_RATE: '10',
    },
    emulator: { perChatBurst: 10 },
  });
  try {
    const db = await world.db();
    const admins = [UPLOADER, ANNOUNCER].map((id) =>
      world.emu.user({ id, first_name: 'Admin', language_code: 'en' }),
    ) as [User, User];
    return await scenario(world, db, admins, options);
  } finally {
    await world.close();
  }
}

async function scenario(
  world: World,
  db: Db,
  [uploader, announcer]: [User, User],
  options: FaultRunOptions,
): Promise<FaultRunFigures> {
  const started = Date.now();
  const { emu } = world;
  for (const title of ['Grammar Basics', 'Grammar Drills', 'Grammar Tests']) {
    await addTestFile(emu, db, { title, tags: ['grammar'] });
  }
  const users = Array.from({ length: options.users }, (_, i) =>
    emu.user({ first_name: `Learner${i}`, language_code: 'en' }),
  );
  for (const user of users) await world.ask(user, '/start', /^Hello, Learner/);
  for (const admin of [uploader, announcer]) await world.ask(admin, '/start', /^Hello, Admin!/);
  const audience = Array.from({ length: options.audience - options.users - 2 }, () =>
    emu.user({ first_name: 'Reader', started: true }),
  );
  await db
    .insertInto('users')
    .values(audience.map((u) => ({ id: u.id, first_name: 'Reader' })))
    .execute();

  const mark = emu.mark();
  const faults = injectFaults(emu, options.stormSeconds);
  const [, downloads, upload, broadcastId] = await Promise.all([
    faults,
    Promise.all(users.map((user) => searchAndDownload(world, user))),
    uploadAFile(world, uploader),
    broadcast(world, announcer, db),
  ]);

  assert.equal(world.bot.ended(), false, 'the bot is still running');
  // Every user got the file they pressed for; the download rows match the counts.
  assert.equal(downloads.length, options.users);
  // Counts and rows read together, once the last downloads are recorded (after their send).
  const rows = await eventually(async () => {
    const {
      rows: [row],
    } = await sql<{ counted: number; n: number }>`
      SELECT (SELECT sum(downloads_count) FROM files) AS counted,
             (SELECT count(*) FROM downloads) AS n`.execute(db);
    return row && row.counted === row.n && row.n >= options.users - 3 && row;
  }, 'download counts equal to the download rows');
  // A document whose answer was lost reached the user but went uncounted (logged, not sent
  // again): counts can fall short of deliveries, never exceed them.
  assert.ok(
    Number(rows.n) <= options.users && Number(rows.n) >= options.users - 3,
    `downloads: ${rows.n}`,
  );

  // The upload acknowledged is in the library, and its copy was made.
  const file = await db
    .selectFrom('files')
    .selectAll()
    .where('id', '=', upload)
    .executeTakeFirstOrThrow();
  assert.equal(file.title, 'Fault Lesson - PrimeLingoBot');
  await eventually(
    async () =>
      (
        await db
          .selectFrom('processing_jobs')
          .select('status')
          .where('file_id', '=', upload)
          .executeTakeFirst()
      )?.status === 'done',
    'the processed copy',
    60_000,
  );

  // The broadcast: over, nobody pending, exactly once to everyone it counts as sent, at most
  // once to those it reports unknown, and the report says how many.
  await eventually(
    async () =>
      (
        await db
          .selectFrom('broadcasts')
          .select('status')
          .where('id', '=', broadcastId)
          .executeTakeFirst()
      )?.status === 'done',
    'the broadcast to finish',
    60_000,
  );
  const counts = await countRecipients(db, broadcastId);
  assert.equal(counts.pending, 0);
  const recipients = await db
    .selectFrom('broadcast_recipients')
    .select(['user_id', 'status'])
    .where('broadcast_id', '=', broadcastId)
    .execute();
  assert.equal(recipients.length, options.audience);
  for (const { user_id, status } of recipients) {
    const got = emu.messages(user_id).filter((m) => m.text === TEXT).length;
    if (status === 'sent') assert.equal(got, 1, `user ${user_id} got it once`);
    else assert.ok(status === 'unknown' && got <= 1, `user ${user_id}: ${status}, got ${got}`);
  }
  const report = await emu.waitForCall(
    'editMessageText',
    (c) => c.ok && String(c.params.text).startsWith(`📣 Broadcast #${broadcastId} finished`),
    { after: mark, timeoutMs: 30_000 },
  );
  const unknown = counts.unknown > 0 ? `; ${counts.unknown} unknown` : '';
  assert.ok(
    String(report.params.text).includes(`${counts.sent} of ${options.audience} users got it`) &&
      String(report.params.text).includes(unknown),
    String(report.params.text),
  );
  // The faults did meet the bot.
  const during = emu.calls.slice(mark);
  const figures = {
    calls: during.length,
    tooManyRequests: during.filter((c) => c.error?.error_code === 429).length,
    serverErrors: during.filter((c) => (c.error?.error_code ?? 0) >= 500).length,
    dropped: during.filter((c) => c.dropped).length,
    apologies: during.filter((c) => c.ok && c.params.text === SORRY).length,
    downloads: Number(rows.n),
    broadcast: counts,
    seconds: Math.round((Date.now() - started) / 1000),
  };
  assert.ok(figures.tooManyRequests > 0 && figures.serverErrors > 0 && figures.dropped > 0);
  // And the bot still answers at once.
  await world.ask(users[0] as User, '/help', /^How to use PrimeLingo/);
  return figures;
}

/**
 * The fault schedule: latency throughout, then 5xx bursts, dropped connections and the 429
 * storm, each overlapping the users', the upload and the broadcast.
 */
async function injectFaults(emu: Emulator, stormSeconds: number): Promise<void> {
  emu.latency(300);
  await sleep(1500);
  const bad = { error_code: 502, description: 'Bad Gateway' };
  emu.fail('sendMessage', bad, 4);
  emu.fail('sendDocument', { error_code: 500, description: 'Internal Server Error' }, 2);
  emu.fail('getUpdates', bad, 2);
  emu.fail('getFile', bad, 1);
  await sleep(1500);
  emu.drop('sendMessage', 3);
  emu.drop('sendDocument', 1);
  emu.drop('answerCallbackQuery', 2);
  emu.drop('getUpdates', 1);
  await sleep(1500);
  emu.restarting(stormSeconds);
  await sleep(stormSeconds * 1000 + 1000);
  emu.latency(0);
}

/**
 * Does what a person does: `send`, then wait for the bot's first answer to them since the
 * first try that `accepts` (any method); on the apology, or after 20 s of silence, try again.
 */
async function persist(
  emu: Emulator,
  user: User,
  send: () => void,
  accepts: (call: CallRecord) => boolean,
): Promise<CallRecord> {
  const since = emu.mark();
  for (let attempt = 1; attempt <= 6; attempt++) {
    const mark = emu.mark();
    send();
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const mine = emu.calls.slice(since).filter((c) => c.ok && c.params.chat_id === user.id);
      const answer = mine.find(accepts);
      if (answer) return answer;
      if (
        emu.calls
          .slice(mark)
          .some((c) => c.ok && c.params.chat_id === user.id && c.params.text === SORRY)
      ) {
        break;
      }
      await sleep(50);
    }
  }
  const said = emu.calls
    .slice(since)
    .filter((c) => c.params.chat_id === user.id)
    .map(
      (c) => `${c.method} ${c.ok ? 'ok' : 'failed'} ${String(c.params.text ?? '').slice(0, 40)}`,
    );
  throw new Error(`user ${user.id} was never answered; the bot said:\n${said.join('\n')}`);
}

const text = (pattern: RegExp) => (c: CallRecord) =>
  c.method === 'sendMessage' && pattern.test(String(c.params.text));

/** Searches, opens the first result's card and downloads it; resolves with the document. */
async function searchAndDownload(world: World, user: User): Promise<CallRecord> {
  const { emu } = world;
  const results = await persist(
    emu,
    user,
    () => emu.sendText(user, 'grammar'),
    text(/^🔎 «grammar»: 3 files found\./),
  );
  const first = dataOf(results, /Grammar/);
  const card = await persist(
    emu,
    user,
    () => emu.pressButton(user, shownMessage(emu, user, results), first),
    text(/^📄 Grammar/),
  );
  const download = dataOf(card, /Download/);
  return persist(
    emu,
    user,
    () => emu.pressButton(user, shownMessage(emu, user, card), download),
    (c) => c.method === 'sendDocument',
  );
}

/** The upload dialog, answering whatever the bot asks; resolves with the new file's id. */
async function uploadAFile(world: World, admin: User): Promise<number> {
  const { emu } = world;
  const steps: [RegExp, () => void][] = [
    [/^✅ Saved as #/, () => undefined],
    [/^(Send the file to add|That is not a file)/, () => emu.sendFile(admin, LESSON)],
    [/^Now send the title/, () => emu.sendText(admin, 'Fault Lesson')],
    [/^Send tags/, () => emu.sendCommand(admin, '/skip')],
  ];
  let next: () => void = () => emu.sendCommand(admin, '/upload');
  for (let turn = 0; turn < 12; turn++) {
    const answer = await persist(emu, admin, next, (c) =>
      steps.some(([pattern]) => text(pattern)(c)),
    );
    const said = String(answer.params.text);
    const saved = /^✅ Saved as #(\d+)/.exec(said);
    if (saved) return Number(saved[1]);
    next = steps.find(([pattern]) => pattern.test(said))?.[1] ?? next;
  }
  throw new Error('the upload dialog never ended');
}

const LESSON = { kind: 'document', fileName: 'lesson.pdf', content: 'a lesson' } as const;

/** /broadcast, then Send; resolves with the broadcast's id once it is confirmed. */
async function broadcast(world: World, admin: User, db: Db): Promise<number> {
  const { emu } = world;
  await sleep(1000);
  const confirm = await persist(
    emu,
    admin,
    () => emu.sendCommand(admin, `/broadcast ${TEXT}`),
    text(/^📣 This message will go to/),
  );
  const data = (confirm.params.reply_markup as Keyboard).inline_keyboard[0]?.[0]?.callback_data;
  if (!data?.startsWith('bc-send:')) assert.fail('no Send button');
  const id = Number(data.split(':')[1]);
  const confirmed = async () =>
    (await db.selectFrom('broadcasts').select('status').where('id', '=', id).executeTakeFirst())
      ?.status !== 'draft';
  // Pressed again only if the press had no effect at all, as a person would.
  for (let press = 1; press <= 3 && !(await confirmed()); press++) {
    emu.pressButton(admin, shownMessage(emu, admin, confirm), data);
    await eventually(confirmed, 'the broadcast confirmed', 15_000).catch(() => undefined);
  }
  return id;
}
