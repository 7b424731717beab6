import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Db } from '../../src/db/database.js';
import { Emulator } from '../emulator/index.js';
import { REPO } from '../paths.js';
import { apiClient } from './api-client.js';
import { type BotProcess, eventually, startBot } from './harness.js';
import { addTestFile, buttonsOf } from './library-helpers.js';

const require = createRequire(REPO);
const { apps } = require('./ecosystem.config.cjs') as {
  apps: { name: string; env: Record<string, string> }[];
};
const appEnv = (name: string) => apps.find((app) => app.name === name)?.env ?? {};
const ADMIN_ID = 4242;
const ADMIN = {
  ADMIN_USERNAME: 'root',
  ADMIN_PASSWORD: 'a long enough password',
  ADMIN_IDS: String(ADMIN_ID),
};
const LOCKED = /database is locked|SQLITE_BUSY/;

/**
 * The PM2 deployment: the bot app and two API instances, as ecosystem.config.cjs defines
 * them, on one DATA_DIR. Users chat while an HTTP client writes through both instances.
 */
describe('two processes on one DATA_DIR', () => {
  let emu: Emulator;
  let dataDir: string;
  let bot: BotProcess;
  const apis: BotProcess[] = [];
  const urls: string[] = [];
  let db: Db;

  before(async () => {
    emu = await Emulator.start({});
    dataDir = await mkdtemp(join(tmpdir(), 'primelingo-pm2-'));
    const starting: Promise<BotProcess>[] = [];
    try {
      const first = startBot(emu, { dataDir, env: { ...appEnv('primelingo-bot'), ...ADMIN } });
      starting.push(first);
      bot = await first;
      // Both API instances start together: one first superadmin, one shared JWT secret.
      for (const _ of [0, 1]) {
        starting.push(
          startBot(emu, { dataDir, env: { ...appEnv('primelingo-api'), ...ADMIN }, ready: false }),
        );
      }
      apis.push(...(await Promise.all(starting.slice(1))));
      // Three processes loading at once are slow on a busy machine: a generous bound.
      for (const api of apis) urls.push(await api.apiUrl(90_000));
    } catch (error) {
      // Nothing may outlive a failed start: the test file would never end.
      const started = await Promise.allSettled(starting);
      for (const result of started) {
        if (result.status === 'fulfilled') await result.value.stop('SIGKILL');
      }
      await emu.stop();
      throw error;
    }
    const { openDatabase } = await import('../../src/db/database.js');
    db = await openDatabase(join(dataDir, 'primelingo.sqlite'));
  });
  after(async () => {
    await Promise.all([bot, ...apis].map((process) => process?.stop('SIGKILL')));
    await db?.destroy();
    await emu?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('serves the bot and both API instances with no lock errors and loses no write', async () => {
    const request = await apiClient(urls[0] ?? '', 'root', ADMIN.ADMIN_PASSWORD);
    const files = [];
    emu.user({ id: ADMIN_ID, first_name: 'Admin' });
    for (let n = 0; n < 10; n++) {
      files.push(
        await addTestFile(emu, db, { title: `Lesson ${n}`, tags: ['kurs'], addedBy: ADMIN_ID }),
      );
    }
    const bystanders = Array.from({ length: 10 }, (_, n) => emu.user({ first_name: `B${n}` }));
    for (const user of bystanders) emu.sendCommand(user, '/start');
    await eventually(
      async () =>
        (await db.selectFrom('users').select('id').execute()).length === bystanders.length,
      'the bystanders to be users',
    );

    // The HTTP client: every request alternates between the two API instances.
    let turn = 0;
    const write = async (method: string, path: string, body?: unknown) => {
      const answer = await request(method, path, body, urls[turn++ % urls.length]);
      assert.ok(answer.status < 300, `${method} ${path}: ${JSON.stringify(answer)}`);
    };
    const http = (async () => {
      const writes: Promise<void>[] = [];
      for (let round = 0; round < 3; round++) {
        for (const file of files) {
          writes.push(
            write('PATCH', `/api/files/${file.id}`, { title: `Edited ${file.id} r${round}` }),
          );
        }
        for (const user of bystanders) {
          writes.push(write('POST', `/api/users/${user.id}/${round % 2 === 0 ? 'ban' : 'unban'}`));
        }
        writes.push(write('PATCH', '/api/settings', { autoDeleteMinutes: round }));
        await Promise.all(writes.splice(0));
      }
      await write('POST', '/api/broadcasts', { text: 'Two processes, one database' });
    })();

    // Users chatting meanwhile: each one's updates are writes too (their row, searches).
    const chatters = Array.from({ length: 20 }, (_, n) =>
      emu.user({ first_name: `User${n}`, language_code: 'en' }),
    );
    const chats = chatters.map(async (user) => {
      let mark = emu.mark();
      emu.sendCommand(user, '/start');
      const hello = await emu.waitForCall(
        'sendMessage',
        (c) => c.ok && c.params.chat_id === user.id && /^Hello, /.test(String(c.params.text)),
        { after: mark, timeoutMs: 30_000 },
      );
      assert.ok(hello);
      mark = emu.mark();
      // Titles change under the HTTP client meanwhile; the tag does not.
      emu.sendText(user, 'kurs');
      const results = await emu.waitForCall(
        'sendMessage',
        (c) => c.ok && c.params.chat_id === user.id && buttonsOf(c).length > 0,
        { after: mark, timeoutMs: 30_000 },
      );
      assert.ok(buttonsOf(results).length > 0);
    });
    await Promise.all([http, ...chats]);

    // Every write is there.
    const edited = await db.selectFrom('files').select(['id', 'title']).execute();
    for (const file of edited) assert.match(file.title, new RegExp(`^Edited ${file.id} r2`));
    const banned = await db
      .selectFrom('users')
      .select('id')
      .where('banned_at', 'is not', null)
      .execute();
    assert.equal(banned.length, bystanders.length, 'the last round banned every bystander');
    const audit = await db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .executeTakeFirstOrThrow();
    assert.equal(Number(audit.count), 3 * (files.length + bystanders.length + 1) + 1);
    const users = await db.selectFrom('users').select('id').execute();
    assert.equal(users.length, bystanders.length + chatters.length);
    // The broadcast reaches every chatter (the bystanders are banned), through the bot process.
    await eventually(
      async () =>
        (await db.selectFrom('broadcasts').select('status').executeTakeFirst())?.status === 'done',
      'the broadcast to finish',
      30_000,
    );
    for (const user of chatters) {
      assert.ok(
        emu.calls.some(
          (c) =>
            c.ok && c.params.chat_id === user.id && c.params.text === 'Two processes, one database',
        ),
      );
    }
    for (const process of [bot, ...apis]) {
      assert.deepEqual(
        process.output.filter((line) => LOCKED.test(line)),
        [],
      );
      assert.deepEqual(
        process.output.filter((line) => /"statusCode":5\d\d/.test(line)),
        [],
      );
    }
  });
});
