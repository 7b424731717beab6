import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Api } from 'grammy';
import pino from 'pino';
import { botApiRetry, configureApi } from '../../../src/bot/api.js';
import { Outbox } from '../../../src/bot/outbox.js';
import { Emulator } from '../../emulator/index.js';

/** The emulator keeps Telegram's limits: 30 messages/s in all, 1/s per chat, bursts of 3. */
describe('Outbox', () => {
  let emu: Emulator;
  before(async () => {
    emu = await Emulator.start();
  });
  after(() => emu.stop());

  /** A client of the emulator that reports refusals instead of waiting them out. */
  const client = () => new Api(emu.token, { apiRoot: emu.apiRoot });
  const refusals = (sends: Promise<unknown>[]) =>
    Promise.allSettled(sends).then((outcomes) => outcomes.filter((o) => o.status === 'rejected'));

  it('keeps a burst to many chats and to one chat within the limits, where the same burst without it draws 429s', async () => {
    const users = Array.from({ length: 40 }, () => emu.user({ started: true }));
    const burst = (api: Api) => [
      ...users.map((user) => api.sendMessage(user.id, 'hello')),
      ...Array.from({ length: 5 }, (_, i) => api.sendMessage(users[0]?.id ?? 0, `more ${i}`)),
    ];

    const bare = await refusals(burst(client()));
    assert.ok(bare.length > 0, 'the emulator refuses a burst sent as it comes');

    emu.setLimits({}); // the buckets start full again
    const api = client();
    new Outbox().install(api, 'replies');
    const started = Date.now();
    assert.deepEqual(await refusals(burst(api)), []);
    // 45 messages at 30/s; five to one chat wait two seconds past its burst of three.
    assert.ok(Date.now() - started >= 1400, 'the messages were spaced');
  });

  it('holds a chat for the retry_after of a 429, and paces the retries, when Telegram counted messages it never saw', async () => {
    emu.setLimits({});
    const user = emu.user({ started: true });
    // A worker's uploads to the chat: Telegram counts them, the outbox does not.
    const elsewhere = client();
    for (const text of ['one', 'two', 'three']) await elsewhere.sendMessage(user.id, text);

    const api = client();
    configureApi(api, pino({ level: 'silent' }), botApiRetry(5000), new Outbox().pace('replies'));
    const mark = emu.mark();
    const first = api.sendMessage(user.id, 'first');
    await emu.waitForCall('sendMessage', (c) => !c.ok, { after: mark });
    // The outbox still has the chat's burst of three, but the 429 said to wait.
    const later = [api.sendMessage(user.id, 'second'), api.sendMessage(user.id, 'third')];
    assert.deepEqual(await refusals([first, ...later]), []);
    const sends = emu.calls.slice(mark).filter((c) => c.method === 'sendMessage');
    // One refusal, the one the outbox could not foresee; its retry waits its turn again.
    assert.deepEqual(
      sends.map((c) => c.ok),
      [false, true, true, true],
    );
    const [refused, next] = sends;
    assert.ok(refused && next && next.at - refused.at >= 1000, 'the chat was held for a second');
  });

  it('gives up a wait for a turn the moment the call is cancelled', async () => {
    emu.setLimits({});
    const user = emu.user({ started: true });
    const api = client();
    // One message to a chat every 20 s: the second waits.
    new Outbox({ perSecond: 30, perChatPerSecond: 0.05, perChatBurst: 1 }).install(api, 'replies');
    await api.sendMessage(user.id, 'first');
    const cancel = new AbortController();
    const started = Date.now();
    // grammY types its signal with the abort-controller polyfill; a native one works.
    const signal = cancel.signal as unknown as Parameters<Api['sendMessage']>[3];
    const second = api.sendMessage(user.id, 'second', {}, signal);
    setTimeout(() => cancel.abort(), 100);
    await assert.rejects(second, /cancelled while it waited its turn/);
    assert.ok(Date.now() - started < 5000, 'it did not wait for its turn');
    assert.throws(
      () => new Outbox({ perSecond: 30, perChatPerSecond: 0, perChatBurst: 3 }),
      /message limits must be positive/,
    );
  });

  it("sends people's answers before the broadcast messages queued ahead of them", async () => {
    emu.setLimits({});
    const outbox = new Outbox();
    const replies = client();
    const broadcast = client();
    outbox.install(replies, 'replies');
    outbox.install(broadcast, 'broadcast');
    const users = Array.from({ length: 60 }, () => emu.user({ started: true }));
    const order: string[] = [];
    const sends = users.map((user) =>
      broadcast.sendMessage(user.id, 'news').then(() => order.push('news')),
    );
    const asker = emu.user({ started: true });
    sends.push(replies.sendMessage(asker.id, 'answer').then(() => order.push('answer')));
    await Promise.all(sends);
    // Queued last, sent among the first: only what already left went before it.
    assert.ok(order.indexOf('answer') < 5, `the answer went out at ${order.indexOf('answer')}`);
  });
});
