import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Update, User } from 'grammy/types';
import { ALLOWED_UPDATES } from '../../src/bot/updates/source.js';
import { callJson, webhookInfo } from '../emulator/helpers.js';
import { Emulator } from '../emulator/index.js';
import { untilReadiness } from './api-client.js';
import { ask, eventually, saying, startBot, startWorld, type World } from './harness.js';

const SECRET = 'test_Secret-42';
const HOOK_PATH = '/telegram/hook';

/** A port nobody listens on now, for the bot's webhook listener. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Webhook mode against the emulator as a local Bot API server: the only kind that posts to
 * plain http on loopback, as the real one does (LOCAL_BOT_API=true lets the config take it).
 */
function webhookEnv(port: number): Record<string, string> {
  return {
    // With the admin API: webhook mode keeps it on its own port, apart from Telegram's posts.
    APP_ROLE: 'all',
    BOT_MODE: 'webhook',
    WEBHOOK_URL: `http://127.0.0.1:${port}${HOOK_PATH}`,
    WEBHOOK_SECRET: SECRET,
    WEBHOOK_PORT: String(port),
    LOCAL_BOT_API: 'true',
  };
}

/** Resolves once Telegram (the emulator) has nothing left to post: every update got its 2xx. */
const allDelivered = (emu: Emulator) =>
  eventually(
    async () => (await webhookInfo(emu)).pending_update_count === 0,
    'every update posted',
  );

/** A text message from `user`, built by hand as Telegram would post it. */
function forgedMessage(user: User, text: string, updateId: number): Update {
  const command = text.startsWith('/') ? text.split(' ')[0]?.length : undefined;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      chat: { id: user.id, type: 'private', first_name: user.first_name },
      from: user,
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command }] } : {}),
    },
  } as Update;
}

describe('webhook mode', () => {
  let world: World;
  let hook: string;
  let port: number;
  before(async () => {
    port = await freePort();
    hook = `http://127.0.0.1:${port}${HOOK_PATH}`;
    // Heartbeats every 0.5 s: Telegram counts as unreachable after 6 s without contact.
    world = await startWorld({
      env: { ...webhookEnv(port), HEARTBEAT_SECONDS: '0.5' },
      emulator: { localMode: true },
    });
  });
  after(() => world.close());

  const post = (body: string, headers: Record<string, string> = {}, path = HOOK_PATH) =>
    fetch(`http://127.0.0.1:${port}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body,
    });

  it('registers the webhook with the secret and the allowed updates of polling, and answers users', async () => {
    const registered = world.emu.calls.find((call) => call.method === 'setWebhook');
    assert.ok(registered?.ok);
    assert.equal(registered.params.url, hook);
    assert.equal(registered.params.secret_token, SECRET);
    assert.deepEqual(registered.params.allowed_updates, [...ALLOWED_UPDATES]);
    const user = world.emu.user({ first_name: 'Hooked', language_code: 'en' });
    await world.ask(user, '/start', /^Hello, Hooked! 👋/);
    await world.ask(
      user,
      'grammar',
      'Nothing found for «grammar». 😕\n\nTip: try the beginning of a word or a shorter word, and check the spelling. You can search in Latin or Cyrillic letters.',
    );
    assert.ok(
      world.emu.calls.every((call) => call.method !== 'getUpdates'),
      'the bot never polls in webhook mode',
    );
  });

  it('refuses posts without the right secret, and does not handle them', async () => {
    const user = world.emu.user({ first_name: 'Forger', language_code: 'en' });
    const forged = JSON.stringify(forgedMessage(user, 'forged words', 900_001));
    const missing = await post(forged);
    const wrong = await post(forged, { 'x-telegram-bot-api-secret-token': `${SECRET}x` });
    const short = await post(forged, { 'x-telegram-bot-api-secret-token': 'x' });
    assert.deepEqual([missing.status, wrong.status, short.status], [401, 401, 401]);
    // Had a forged post been taken, its search would be answered before this later /help
    // of the same chat: the bot handles a chat's updates in the order they arrive.
    await world.ask(user, '/help', /^How to use PrimeLingo:/);
    const replies = world.emu.calls.filter(
      (call) => call.method === 'sendMessage' && call.params.chat_id === user.id,
    );
    assert.equal(replies.length, 1, replies.map((call) => call.params.text).join('\n'));
  });

  it('handles an update Telegram posts again (its 200 got lost) only once', async () => {
    const user = world.emu.user({ first_name: 'Twice', language_code: 'en' });
    await world.ask(user, '/start', /^Hello, Twice!/);
    const mark = world.emu.mark();
    const again = JSON.stringify(forgedMessage(user, 'grammar', 900_003));
    const secret = { 'x-telegram-bot-api-secret-token': SECRET };
    const answers = [await post(again, secret), await post(again, secret)];
    assert.deepEqual(
      answers.map((a) => a.status),
      [200, 200],
    );
    // A second search would be answered before this later /help of the same chat.
    await world.ask(user, '/help', /^How to use PrimeLingo:/);
    const replies = world.emu.calls
      .slice(mark)
      .filter((call) => call.method === 'sendMessage' && call.params.chat_id === user.id);
    assert.equal(replies.length, 2, replies.map((call) => call.params.text).join('\n'));
  });

  it('answers 404 off its path, 405 to other methods, 413 to a huge body and 400 to a non-update', async () => {
    const secret = { 'x-telegram-bot-api-secret-token': SECRET };
    assert.equal((await post('{}', secret, '/other')).status, 404);
    // Only Telegram's posts are served here: no metrics, no health, nothing of the API.
    for (const path of ['/metrics', '/health', '/health/ready', '/api/me']) {
      assert.equal((await fetch(`http://127.0.0.1:${port}${path}`)).status, 404, path);
    }
    const get = await fetch(hook);
    assert.deepEqual([get.status, get.headers.get('allow')], [405, 'POST']);
    const huge = JSON.stringify({ update_id: 1, padding: 'x'.repeat(1024 * 1024) });
    assert.equal((await post(huge, secret)).status, 413);
    assert.equal((await post('{"update_id":', secret)).status, 400);
    assert.equal((await post('{"message":{}}', secret)).status, 400);
  });

  it("answers Telegram's post at once, long before the handler ends", async () => {
    const user = world.emu.user({ first_name: 'Quick', language_code: 'en' });
    // Telegram lets a bot write only to users who started it.
    await world.ask(user, '/start', /^Hello, Quick!/);
    world.emu.latency(2000, 'sendMessage');
    try {
      const mark = world.emu.mark();
      const started = Date.now();
      const answer = await post(JSON.stringify(forgedMessage(user, '/help', 900_002)), {
        'x-telegram-bot-api-secret-token': SECRET,
      });
      const answeredIn = Date.now() - started;
      assert.equal(answer.status, 200);
      // The reply alone takes 2 s; a loaded 2-core machine still answers well within 1 s.
      assert.ok(answeredIn < 1000, `answered in ${answeredIn} ms`);
      const reply = await world.emu.waitForCall('sendMessage', saying(user.id, /^How to use/), {
        after: mark,
      });
      assert.ok(reply.ok);
      assert.ok(Date.now() - started >= 2000, 'the handler ended after the answer');
    } finally {
      world.emu.latency(0);
    }
  });

  it("keeps each chat's order while Telegram posts many chats at once", async () => {
    // Replies take 0-300 ms at random: a chat's updates handled side by side would overtake
    // one another. Five messages each stay under the flood limit (8 in 5 s).
    world.emu.latency(() => Math.floor(Math.random() * 300), 'sendMessage');
    try {
      const users = Array.from({ length: 20 }, (_, i) =>
        world.emu.user({ first_name: `Order${i}`, language_code: 'en' }),
      );
      const mark = world.emu.mark();
      for (let round = 1; round <= 5; round++) {
        for (const user of users) world.emu.sendText(user, `w${user.id}x${round}`);
      }
      // Flood limits (1 message a second per chat, 30 in all) make the bot wait and retry.
      const replies = () =>
        world.emu.calls.slice(mark).filter((call) => call.method === 'sendMessage' && call.ok);
      await eventually(() => replies().length >= 100, 'every reply', 60_000);
      for (const user of users) {
        const order = replies()
          .filter((call) => call.params.chat_id === user.id)
          .map((call) => /«w\d+x(\d)»/.exec(String(call.params.text))?.[1]);
        assert.deepEqual(order, ['1', '2', '3', '4', '5'], `chat ${user.id}`);
      }
    } finally {
      world.emu.latency(0);
    }
  });

  const ready = async (status: number, failing: string[], what: string) =>
    untilReadiness(await world.bot.apiUrl(), status, failing, what);

  // Last: it takes the webhook away for a while.
  it('counts Telegram reached while the webhook stays registered, and down once it is gone', async () => {
    const up = await ready(200, [], 'ready');
    assert.equal(up.telegram.state, 'up');
    // Another process switched the bot to polling, say: Telegram posts here no more.
    const registered = world.emu.calls.find((call) => call.method === 'setWebhook');
    await callJson(world.emu, 'deleteWebhook');
    const down = await ready(503, ['telegram'], 'telegram down');
    assert.ok((down.telegram.lastContactAgeSeconds ?? 0) >= 6);
    await callJson(world.emu, 'setWebhook', registered?.params ?? {});
    await ready(200, [], 'telegram back');
  });
});

describe('webhook mode: SIGTERM, then back to polling', () => {
  let emu: Emulator;
  before(async () => {
    emu = await Emulator.start({ localMode: true });
  });
  after(() => emu.stop());

  it('drains the updates it took, refuses new ones for later; polling then deletes the webhook and takes them', async () => {
    const port = await freePort();
    const hooked = await startBot(emu, { env: webhookEnv(port) });
    const [slow, late] = [
      emu.user({ first_name: 'Slow', language_code: 'en' }),
      emu.user({ first_name: 'Late', language_code: 'en' }),
    ];
    try {
      emu.latency(3000, 'sendMessage');
      const mark = emu.mark();
      emu.sendCommand(slow, '/help');
      await allDelivered(emu);
      // The handler now waits for its reply; SIGTERM must let it finish.
      const exited = hooked.stop('SIGTERM');
      await hooked.waitForOutput(/"msg":"shutting down"/);
      // Posted while the bot drains: refused with a Retry-After, so Telegram keeps it.
      emu.sendCommand(late, '/start');
      await eventually(
        async () => /: 503 /.test((await webhookInfo(emu)).last_error_message ?? ''),
        'the late update refused',
      );
      assert.equal(await exited, 0, hooked.output.slice(-8).join('\n'));
      const help = emu.calls
        .slice(mark)
        .find((call) => call.method === 'sendMessage' && call.params.chat_id === slow.id);
      assert.ok(help?.ok, 'the reply was delivered before exit');
      const left = await webhookInfo(emu);
      assert.deepEqual(
        [left.url, left.pending_update_count],
        [`http://127.0.0.1:${port}${HOOK_PATH}`, 1],
      );
      emu.latency(0);

      // Started again in polling mode, the bot removes the webhook, keeping what waits.
      const polling = await startBot(emu, { dataDir: hooked.dataDir });
      try {
        const deleted = await emu.waitForCall('deleteWebhook', undefined, { after: mark });
        assert.ok(deleted.ok);
        assert.notEqual(deleted.params.drop_pending_updates, true);
        assert.equal((await webhookInfo(emu)).url, '');
        await emu.waitForCall('sendMessage', saying(late.id, /^Hello, Late!/), { after: mark });
        // A /help handled again would be answered before this later update of the same chat.
        await ask(emu, slow, '/start', /^Hello, Slow!/);
        const helps = emu.calls.filter(
          (call) =>
            call.method === 'sendMessage' &&
            call.params.chat_id === slow.id &&
            /^How to use/.test(String(call.params.text)),
        );
        assert.equal(helps.length, 1);
      } finally {
        assert.equal(await polling.stop(), 0);
      }
    } finally {
      emu.latency(0);
      await hooked.stop('SIGKILL');
    }
  });
});
