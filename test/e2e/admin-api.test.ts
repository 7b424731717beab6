import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type ApiRequest, apiClient } from './api-client.js';
import { eventually, startWorld, type World } from './harness.js';
import { addTestFile, buttonsOf } from './library-helpers.js';

/** The bot and the admin API in one process (`npm start`), driven over HTTP and the chat. */
describe('admin API and the running bot', () => {
  let world: World;
  let request: ApiRequest;
  const NEWS = -1001000000009;

  before(async () => {
    world = await startWorld({
      env: { APP_ROLE: 'all', ADMIN_USERNAME: 'root', ADMIN_PASSWORD: 'a long enough password' },
    });
    request = await apiClient(await world.bot.apiUrl(), 'root', 'a long enough password');
  });
  after(() => world?.close());

  it('delivers a broadcast created over HTTP to every user', async () => {
    const { emu } = world;
    const users = ['Ali', 'Vali', 'Gulnora'].map((name) => emu.user({ first_name: name }));
    for (const user of users) {
      await world.ask(user, '/start', new RegExp(`^Assalomu alaykum, ${user.first_name}!`));
    }
    const mark = emu.mark();
    const created = await request('POST', '/api/broadcasts', {
      text: 'Darslar jadvali yangilandi',
      entities: [{ type: 'bold', offset: 0, length: 6 }],
    });
    assert.equal(created.status, 201);
    for (const user of users) {
      const sent = await emu.waitForCall(
        'sendMessage',
        (c) =>
          c.ok && c.params.chat_id === user.id && c.params.text === 'Darslar jadvali yangilandi',
        { after: mark },
      );
      assert.deepEqual(sent.params.entities, [{ type: 'bold', offset: 0, length: 6 }]);
    }
    const id = created.body.id as number;
    const done = await eventually(async () => {
      const progress = await request('GET', `/api/broadcasts/${id}`);
      return progress.body.status === 'done' && progress.body;
    }, 'the broadcast to finish');
    assert.deepEqual(done.recipients, {
      total: 3,
      pending: 0,
      sent: 3,
      blocked: 0,
      failed: 0,
      unknown: 0,
    });
  });

  it('silences the bot for a user banned over HTTP, and lets them back when unbanned', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Sardor', language_code: 'en' });
    await world.ask(user, '/help', /^How to use PrimeLingo/);
    assert.equal((await request('POST', `/api/users/${user.id}/ban`)).status, 200);
    const ignored = world.bot.output.filter((line) => line.includes('ignoring a banned user'));
    const mark = emu.mark();
    emu.sendCommand(user, '/start');
    await eventually(
      () =>
        world.bot.output.filter((line) => line.includes('ignoring a banned user')).length >
        ignored.length,
      'the update to be ignored',
    );
    assert.equal(emu.calls.slice(mark).filter((c) => c.params.chat_id === user.id).length, 0);
    assert.equal((await request('POST', `/api/users/${user.id}/unban`)).status, 200);
    await world.ask(user, '/start', /^Hello, Sardor!/);
  });

  it('enforces a force-subscribe channel added over HTTP, with no restart', async () => {
    const { emu } = world;
    emu.channel({ id: NEWS, username: 'primelingo_live', title: 'PrimeLingo Live' });
    const user = emu.user({ first_name: 'Dilnoza', language_code: 'en' });
    await world.ask(user, '/start', /^Hello, Dilnoza!/);

    const changed = await request('PATCH', '/api/settings', { forceSubChannels: [NEWS] });
    assert.equal(changed.status, 200);
    // The bot re-reads the settings every 2 s: ask until the prompt comes.
    const prompt = await eventually(async () => {
      const newcomer = emu.user({ first_name: 'New', language_code: 'en' });
      const reply = await world.ask(
        newcomer,
        '/start',
        /^To use the bot, please join|^Hello, New!/,
      );
      return /^To use the bot, please join/.test(String(reply.params.text)) && reply;
    }, 'the channel to be enforced');
    assert.deepEqual(buttonsOf(prompt)[0], {
      text: '➕ Join PrimeLingo Live',
      url: 'https://t.me/primelingo_live',
    });
    emu.setMember(NEWS, user.id, 'member');
    await world.ask(user, '/start', /^Hello, Dilnoza!/);
    assert.equal((await request('PATCH', '/api/settings', { forceSubChannels: [] })).status, 200);
    await eventually(async () => {
      const reply = await world.ask(
        emu.user({ first_name: 'Free', language_code: 'en' }),
        '/start',
        /^To use the bot, please join|^Hello, Free!/,
      );
      return /^Hello, Free!/.test(String(reply.params.text));
    }, 'the channel to be dropped');
  });

  it('finds a file edited over HTTP by its new title in the chat', async () => {
    const { emu } = world;
    const db = await world.db();
    const file = await addTestFile(emu, db, { title: 'Draft lesson' });
    const edited = await request('PATCH', `/api/files/${file.id}`, {
      title: 'Present Perfect',
      tags: ['grammar'],
    });
    assert.equal(edited.status, 200);
    const user = emu.user({ first_name: 'Otabek', language_code: 'en' });
    const results = await world.ask(user, 'present perfect', /«present perfect»/);
    const titles = buttonsOf(results).map((button) => button.text);
    assert.ok(
      titles.some((title) => title.endsWith('Present Perfect - PrimeLingoBot')),
      `results: ${titles.join(' | ')}`,
    );
    const old = await world.ask(
      emu.user({ language_code: 'en' }),
      'draft lesson',
      /«draft lesson»/,
    );
    assert.ok(!buttonsOf(old).some((button) => button.text.includes('Present Perfect')));
  });
});
