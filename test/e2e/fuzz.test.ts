import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Message, User } from 'grammy/types';
import { seeded } from '../bench/library.js';
import { apiClient } from './api-client.js';
import { seedFrom } from './crash-run.js';
import { BotProcess, delivered, eventually, startWorld, type World } from './harness.js';
import { addTestFile } from './library-helpers.js';

// FUZZ_SEED replays a run (its seed is printed); FUZZ_UPDATES and FUZZ_REQUESTS set its size.
// The bot keeps to Telegram's one message a second per chat, so the replies to a few fuzzing
// chats take most of the run: 1,000 updates keep it near half a minute in `npm test`.
const SEED = seedFrom('FUZZ_SEED');
const UPDATES = Number(process.env.FUZZ_UPDATES ?? 1000);
const REQUESTS = Number(process.env.FUZZ_REQUESTS ?? 1000);
const ADMIN_ID = 4242;
const PASSWORD = 'a long enough password';
const HELP = /^How to use PrimeLingo/;
// The error handler's apology, in every language: the locale files say it.
const APOLOGIES = new Set(
  ['en', 'ru', 'uz'].map((language) => {
    const file = readFileSync(
      new URL(`../../src/locales/${language}/common.ftl`, import.meta.url),
      'utf8',
    );
    return /^error-generic = (.+)$/m.exec(file)?.[1];
  }),
);

type Rnd = () => number;

/** Random and malformed input, drawn from one seeded generator. */
class Garbage {
  constructor(private readonly rnd: Rnd) {}

  int(low: number, high: number): number {
    return low + Math.floor(this.rnd() * (high - low));
  }

  chance(p: number): boolean {
    return this.rnd() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(0, items.length)] as T;
  }

  /** Text that is odd in every way Telegram allows, and in some it does not. */
  text(): string {
    const pieces = [
      () => 'a'.repeat(this.pick([1, 64, 4096, 4097, 10_000])),
      () => '\u202Eטקסט עברי\u202C العربية',
      () => 'zero\u200Bwidth\u200C\u200D\uFEFF',
      () => '\uD83D',
      () => '\uDE00 lone low',
      () => 'e\u0301\u0301\u0301\u0301 Z\u0336\u0337\u0338',
      () => '😀👨‍👩‍👧‍👦🏳️‍🌈',
      () => "o'zbek oʻzbek ўзбек",
      () => '/start f_' + this.pick(['', '-1', 'abc', '99999999999999999999', '1e9', '0']),
      () =>
        this.pick([
          '/upload',
          '/cancel',
          '/skip',
          '/set_thumb',
          '/stats',
          '/broadcast',
          '/broadcast_cancel',
          '/lang',
          '/help',
          '/search',
          '/search *',
          '/start',
          '/unknowncmd',
          '/start@OtherBot',
        ]),
      () => '"*:^()[]{}<>&;|\\\u0000\u0007',
      () => ' '.repeat(this.int(0, 5)),
      () => 'NEAR AND OR NOT "',
      () => String.fromCodePoint(...Array.from({ length: 20 }, () => this.int(0, 0x10ffff))),
    ];
    return Array.from({ length: this.int(1, 4) }, () => this.pick(pieces)()).join(' ');
  }

  callbackData(): string {
    const forged = [
      'dl:abc',
      'dl:-1',
      'dl:99999999999999999999',
      'dl:1',
      'dl:',
      'file:0',
      'file:1e3',
      'del:1',
      'del-yes:1',
      'del-no:1',
      'page:2:nokey',
      'page:-5:x',
      'page:99999:' + 'k'.repeat(50),
      'lang:xx',
      'lang:',
      'lang:en',
      'sub:check',
      'bc-send:1',
      'bc-drop:1',
      'bc-stop:1',
      'bc-send:abc',
      ':',
      '',
      'x'.repeat(65),
      'dl:1:extra',
      '\u0000',
      'é'.repeat(40),
    ];
    return this.chance(0.8) ? this.pick(forged) : this.text().slice(0, this.int(0, 300));
  }

  value(depth = 0): unknown {
    const scalars = [
      () => null,
      () => this.int(-(2 ** 31), 2 ** 31),
      () => 2 ** 64,
      () => -0.5,
      () => this.text(),
      () => true,
      () => '',
      () => 'NaN',
    ];
    if (depth > 2 || this.chance(0.6)) return this.pick(scalars)();
    if (this.chance(0.5))
      return Array.from({ length: this.int(0, 4) }, () => this.value(depth + 1));
    return Object.fromEntries(
      Array.from({ length: this.int(0, 4) }, () => [
        this.pick([
          'title',
          'tags',
          'text',
          'entities',
          'parseMode',
          'role',
          'password',
          '__proto__',
          'constructor',
          'x',
        ]),
        this.value(depth + 1),
      ]),
    );
  }
}

describe('fuzz: random and malformed input', () => {
  let world: World;
  let admin: User;
  let users: User[];
  before(async () => {
    world = await startWorld({
      env: {
        APP_ROLE: 'all',
        ADMIN_IDS: String(ADMIN_ID),
        ADMIN_USERNAME: 'root',
        ADMIN_PASSWORD: PASSWORD,
      },
      // Garbage is the fault under test: Telegram's flood limits are lifted (the bot still
      // keeps one message a second to a chat, so the garbage comes from many users).
      emulator: { globalRate: null, perChatRate: null },
      // A real process: a crash, and an unhandled rejection main.ts logs, show there.
      process: true,
    });
    admin = world.emu.user({ id: ADMIN_ID, first_name: 'Admin', language_code: 'en' });
    users = Array.from({ length: 30 }, (_, n) =>
      world.emu.user({ first_name: `Fuzz${n}`, language_code: n % 2 ? 'ru' : 'uz' }),
    );
    // Users who started the bot: it may write to them.
    await Promise.all(users.map((user) => world.ask(user, '/start', () => true)));
    const db = await world.db();
    for (let n = 0; n < 3; n++) await addTestFile(world.emu, db, { title: `Fuzz lesson ${n}` });
    console.log(`fuzz: FUZZ_SEED=${SEED} FUZZ_UPDATES=${UPDATES} FUZZ_REQUESTS=${REQUESTS}`);
  });
  after(() => world.close());

  /** Resolves once the bot has fetched the update (a backlog may make it take a while). */
  const taken = (update: { update_id: number }) => delivered(world.emu, update, 0, 60_000);

  /** Resolves once the bot has made no call but polling for 2 s: it has handled the burst. */
  async function quiet(): Promise<void> {
    const { emu } = world;
    await eventually(
      () => {
        const busy = emu.calls.filter((c) => c.method !== 'getUpdates').at(-1);
        return !busy || Date.now() - busy.at > 2000;
      },
      'the bot to handle everything',
      120_000,
    );
  }

  /** The bot is alive, answers a newcomer, and never apologised or recorded an error. */
  async function assertHealthy(): Promise<void> {
    const { emu, bot } = world;
    assert.ok(bot instanceof BotProcess && bot.child.exitCode === null, 'the bot is running');
    const newcomer = emu.user({ first_name: 'After', language_code: 'en' });
    await world.ask(newcomer, '/help', HELP);
    const failures = bot.output.filter((line) =>
      /update handler failed|unhandled rejection|error outside the error boundary|uncaught/i.test(
        line,
      ),
    );
    assert.deepEqual(
      failures.map((line) => line.slice(0, 1500)),
      [],
    );
    const apologies = emu.calls.filter(
      (c) => c.method === 'sendMessage' && APOLOGIES.has(String(c.params.text)),
    );
    assert.deepEqual(
      apologies.map((c) => c.params),
      [],
    );
    const errors = await (await world.db())
      .selectFrom('health_checks')
      .select(['source', 'message', 'context'])
      .where('level', '=', 'error')
      .execute();
    assert.deepEqual(errors, []);
  }

  it('survives thousands of random and malformed updates with polite answers only', async () => {
    const { emu } = world;
    const g = new Garbage(seeded(SEED));
    const everyone = [admin, ...users];
    const bot = { id: emu.bot.id, is_bot: true, first_name: 'PrimeLingo' };
    const sent: Message[] = [];
    const messageFrom = (user: User, content: Record<string, unknown>) => ({
      message_id: g.int(1, 1_000_000),
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: 'private', first_name: user.first_name },
      from: user,
      ...content,
    });
    const file = () => ({
      file_id: g.pick([
        emu.createFile({ kind: 'document', content: 'x' }).file_id,
        'forged-id',
        '',
      ]),
      file_unique_id: g.pick(['u1', `u${g.int(0, 1e9)}`, '']),
      ...(g.chance(0.5)
        ? {
            file_name: g.pick([
              'lesson.pdf',
              'setup.exe',
              'no extension',
              '.pdf',
              'a'.repeat(300),
              g.text(),
            ]),
          }
        : {}),
      ...(g.chance(0.5)
        ? {
            mime_type: g.pick([
              'application/pdf',
              'application/x-msdownload',
              'image/jpeg',
              'text/html',
              '',
              'garbage/ ;;',
            ]),
          }
        : {}),
      ...(g.chance(0.7) ? { file_size: g.pick([0, -1, 2 ** 40, 1024, 49 * 1024 * 1024]) } : {}),
    });
    const photo = () =>
      Array.from({ length: g.int(0, 4) }, () => ({
        file_id: g.pick([
          'forged-photo',
          emu.createFile({ kind: 'document', content: 'not an image' }).file_id,
        ]),
        file_unique_id: `p${g.int(0, 1e9)}`,
        width: g.pick([0, 90, 100_000, 2 ** 31]),
        height: g.pick([0, 90, 100_000, 2 ** 31]),
        ...(g.chance(0.5) ? { file_size: g.pick([0, 2 ** 40, 5000]) } : {}),
      }));

    const kinds: (() => Record<string, unknown>)[] = [
      // Plain and command text.
      () => {
        const user = g.pick(everyone);
        return { message: messageFrom(user, { text: g.text() }) };
      },
      // Entities that lie about the text.
      () => ({
        message: messageFrom(g.pick(everyone), {
          text: g.text(),
          entities: [
            {
              type: g.pick(['bot_command', 'bold', 'text_link', 'nonsense']),
              offset: g.int(-5, 5000),
              length: g.int(-5, 5000),
            },
          ],
        }),
      }),
      // Files with lying MIME types and missing names, to admins mid-dialog too.
      () => ({
        message: messageFrom(g.pick(everyone), {
          [g.pick(['document', 'audio', 'video'])]: file(),
          ...(g.chance(0.3) ? { caption: g.text() } : {}),
        }),
      }),
      () => ({ message: messageFrom(g.pick(everyone), { photo: photo() }) }),
      // Forged and oversized callback data, on messages that do and do not exist.
      () => {
        const user = g.pick(everyone);
        const message =
          sent.length > 0 && g.chance(0.5) ? g.pick(sent) : messageFrom(user, { text: 'old' });
        return {
          callback_query: {
            id: String(g.int(1, 1e9)),
            from: user,
            chat_instance: '1',
            ...(g.chance(0.9) ? { message } : { inline_message_id: 'inline-1' }),
            ...(g.chance(0.9) ? { data: g.callbackData() } : { game_short_name: 'game' }),
          },
        };
      },
      () => ({
        inline_query: {
          id: String(g.int(1, 1e9)),
          from: g.pick(everyone),
          query: g.text().slice(0, g.int(0, 300)),
          offset: g.pick(['', 'abc', '-1', '99999999', '10']),
        },
      }),
      () => ({
        chosen_inline_result: {
          result_id: g.pick(['f:1', 'x', '', 'join']),
          from: g.pick(everyone),
          query: g.text(),
        },
      }),
      () => {
        const user = g.pick(everyone);
        const member = (status: string) => ({
          status,
          user: bot,
          ...(status === 'kicked' ? { until_date: 0 } : {}),
        });
        return {
          my_chat_member: {
            chat: g.chance(0.8)
              ? { id: user.id, type: 'private', first_name: 'x' }
              : { id: -100123, type: 'channel', title: 'c' },
            from: user,
            date: 0,
            old_chat_member: member(g.pick(['member', 'kicked', 'left'])),
            new_chat_member: member(g.pick(['member', 'kicked', 'left', 'administrator'])),
          },
        };
      },
      () => ({
        chat_join_request: {
          chat: { id: -100999, type: 'channel', title: 'c' },
          from: g.pick(everyone),
          user_chat_id: g.pick(everyone).id,
          date: 0,
        },
      }),
      // Chats the bot does not serve: groups and channels.
      () => ({
        message: {
          message_id: 1,
          date: 0,
          chat: { id: -100555, type: g.pick(['group', 'supergroup', 'channel']), title: 'g' },
          from: g.pick(everyone),
          text: g.text(),
        },
      }),
      // Unknown update types, and known ones with fields missing.
      () => ({
        [g.pick([
          'business_message',
          'message_reaction',
          'purchased_paid_media',
          'future_update_type',
        ])]: g.value(),
      }),
      () => {
        const message: Record<string, unknown> = messageFrom(g.pick(everyone), { text: g.text() });
        delete message[g.pick(['from', 'chat', 'date', 'message_id', 'text'])];
        return { [g.pick(['message', 'edited_message'])]: message };
      },
      () => ({ callback_query: { id: '1', from: g.pick(everyone) } }),
      () => ({ inline_query: { id: '1', from: g.pick(everyone) } }),
      () => ({}),
    ];

    // Admins sometimes in the middle of a dialog.
    const mark = emu.mark();
    const started = Date.now();
    for (let n = 0; n < UPDATES; n++) {
      if (n % 200 === 0)
        emu.sendCommand(admin, g.pick(['/upload', '/set_thumb', '/broadcast', '/cancel']));
      const update = emu.pushRawUpdate(g.pick(kinds)());
      // Sent messages become targets for forged presses.
      if (n % 50 === 0) {
        sent.push(
          ...emu.calls
            .slice(mark)
            .filter((c) => c.method === 'sendMessage' && c.ok)
            .slice(-5)
            .map((c) => c.result as unknown as Message),
        );
      }
      // The bot takes what comes; a burst of a few hundred at a time keeps the queue real.
      if (n % 300 === 299) await taken(update);
    }
    const last = emu.pushRawUpdate({ unknown: {} });
    await taken(last);
    console.log(`fuzz: ${UPDATES} updates taken in ${Date.now() - started} ms`);
    await quiet();
    const calls = new Map<string, number>();
    for (const call of emu.calls.slice(mark)) {
      const key = `${call.method} ${call.ok ? 'ok' : call.error?.description}`;
      calls.set(key, (calls.get(key) ?? 0) + 1);
    }
    console.log(
      `fuzz: handled in ${Date.now() - started} ms; calls: ${JSON.stringify(Object.fromEntries(calls))}`,
    );
    await assertHealthy();
  });

  it('answers random admin API requests with clear 4xx or success, never 5xx', async () => {
    const base = await world.bot.apiUrl();
    const { token } = await apiClient(base, 'root', PASSWORD);
    const g = new Garbage(seeded(SEED + 1));
    const paths = [
      '/api/files',
      '/api/files/1',
      '/api/files/abc',
      '/api/files/-1',
      '/api/files/99999999999999999999',
      '/api/files/1/reprocess',
      '/api/users',
      '/api/users/1/ban',
      '/api/users/x/unban',
      '/api/users/1e3',
      '/api/broadcasts',
      '/api/broadcasts/1',
      '/api/broadcasts/1/cancel',
      '/api/stats',
      '/api/stats/downloads',
      '/api/settings',
      '/api/settings/thumbnail',
      '/api/audit',
      '/api/health-checks',
      '/api/me',
      '/api/me/password',
      '/api/admins',
      '/api/admins/1',
      '/api/auth/login',
      '/health',
      '/health/ready',
      '/docs/json',
      '/nope',
      '/api/../etc/passwd',
      `/api/${'a'.repeat(5000)}`,
      '/api/files?page=-1&pageSize=1000',
      '/api/files?q=%ZZ',
      '/api/stats/downloads?days=99999',
      '/api/users?status=weird',
      '/api/files?type=exe&q=%ED%A0%BD',
    ];
    const statuses = new Map<number, number>();
    const problems: string[] = [];
    for (let n = 0; n < REQUESTS; n++) {
      const method = g.pick(['GET', 'POST', 'PATCH', 'PUT', 'DELETE', 'OPTIONS', 'HEAD']);
      const path = g.pick(paths);
      const headers: Record<string, string> = {};
      const auth = g.int(0, 5);
      if (auth === 1) headers.authorization = `Bearer ${token}`;
      if (auth === 2)
        headers.authorization = g.pick([
          'Bearer',
          'Bearer x.y.z',
          'Basic cm9vdDp4',
          `Bearer ${token}x`,
          'eyJhbGciOiJub25lIn0.e30.',
        ]);
      let payload: string | undefined;
      if (method !== 'GET' && method !== 'HEAD' && g.chance(0.8)) {
        headers['content-type'] = g.pick([
          'application/json',
          'text/plain',
          'multipart/form-data',
          'application/json; charset=latin1',
          'x/y',
        ]);
        payload = g.chance(0.8)
          ? JSON.stringify(g.value())
          : g.pick(['{', '{"a":', 'null', '[]', '\u0000', 'x'.repeat(2_000_000)]);
      }
      const response = await fetch(`${base}${path}`, { method, headers, body: payload }).catch(
        (error: unknown) => {
          // A body over the limit may be refused (413) and the socket closed while it is still
          // being sent: the client sees the close, not the answer.
          if ((payload?.length ?? 0) > 1_000_000) return undefined;
          throw error;
        },
      );
      if (!response) continue;
      const text = await response.text();
      statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      // /health/ready answers 503 by design when a part is down (README, readiness).
      if (response.status >= 500 && !(path === '/health/ready' && response.status === 503))
        problems.push(
          `${method} ${path} ${headers['content-type'] ?? ''} -> ${response.status} ${text.slice(0, 200)}`,
        );
      else if (response.status >= 400 && method !== 'HEAD' && !path.startsWith('/docs')) {
        // A clear 4xx: the API's one error shape, saying what is wrong.
        const parsed = JSON.parse(text) as { statusCode?: number; message?: string };
        if (parsed.statusCode !== response.status || !parsed.message)
          problems.push(`${method} ${path} -> ${response.status} ${text.slice(0, 200)}`);
      }
    }
    console.log(`fuzz API statuses: ${JSON.stringify(Object.fromEntries(statuses))}`);
    assert.deepEqual(problems, []);
    await quiet();
    await assertHealthy();
  });
});
