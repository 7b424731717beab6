import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Message, User } from 'grammy/types';
import { countRecipients } from '../../src/db/broadcasts.js';
import type { Db } from '../../src/db/database.js';
import type { Emulator } from '../emulator/index.js';
import { type Keyboard, pressSend, report } from './broadcast-helpers.js';
import { eventually, saying, startWorld, type World } from './harness.js';

const ADMIN = 7000;
const CONFIRM = /^📣 This message will go to [\d,]+ users\. Send it\?$/;

/** Users known to the bot's database and (all but `unknown`) to the emulator. */
async function populate(
  emu: Emulator,
  db: Db,
  counts: { reachable: number; deactivated?: number; blocked?: number; unknown?: number },
): Promise<{ reachable: User[]; gone: number[] }> {
  const make = (n: number) =>
    Array.from({ length: n }, () => emu.user({ first_name: 'Learner', started: true }));
  const reachable = make(counts.reachable);
  const deactivated = make(counts.deactivated ?? 0);
  const blocked = make(counts.blocked ?? 0);
  for (const user of deactivated) emu.deactivate(user);
  for (const user of blocked) emu.blockBot(user, { notify: false });
  const unknown = Array.from({ length: counts.unknown ?? 0 }, (_, i) => 900_000_000 + i);
  const ids = [...reachable, ...deactivated, ...blocked].map((u) => u.id).concat(unknown);
  for (let i = 0; i < ids.length; i += 500) {
    const rows = ids.slice(i, i + 500).map((id) => ({ id, first_name: 'Learner' }));
    await db.insertInto('users').values(rows).execute();
  }
  return { reachable, gone: [...deactivated, ...blocked].map((u) => u.id).concat(unknown) };
}

/** The admin asks for a broadcast and presses Send; resolves with the broadcast's id. */
async function broadcast(
  world: World,
  admin: User,
  command: Parameters<Emulator['sendCommand']>[1],
) {
  const { emu } = world;
  const confirm = await world.ask(admin, command, CONFIRM);
  const button = (confirm.params.reply_markup as Keyboard).inline_keyboard[0]?.[0];
  if (!button?.callback_data.startsWith('bc-send:')) assert.fail('no Send button');
  const message = emu.messages(ADMIN).find((m) => m.message_id === confirm.result?.message_id);
  assert.ok(message);
  emu.pressButton(admin, message, button.callback_data);
  return { id: Number(button.callback_data.split(':')[1]), confirm, statusMessage: message };
}

describe('broadcast, paid rate', () => {
  let world: World;
  let admin: User;
  let db: Db;
  before(async () => {
    world = await startWorld({
      env: { ADMIN_IDS: String(ADMIN), BROADCAST_PAID: 'true', BROADCAST_PAID_RATE: '300' },
      // kill -9 mid-broadcast needs the real process; so does a paid rate's throughput, with
      // the bot and the emulator each on a thread of its own.
      process: true,
    });
    admin = world.emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en' });
    db = await world.db();
  });
  after(() => world.close());

  it('reaches every reachable user exactly once and marks the others, through 429s and 5xx', async () => {
    const { emu } = world;
    const { reachable, gone } = await populate(emu, db, {
      reachable: 1500,
      deactivated: 20,
      blocked: 20,
      unknown: 10,
    });
    const mark = emu.mark();
    const { id, confirm } = await broadcast(world, admin, '/broadcast Hello, *learners*!');
    // From here on, every sendMessage is the broadcast's.
    emu.fail(
      'sendMessage',
      {
        error_code: 429,
        description: 'Too Many Requests: retry after 1',
        parameters: { retry_after: 1 },
      },
      3,
    );
    emu.fail('sendMessage', { error_code: 502, description: 'Bad Gateway' }, 5);
    assert.match(String(confirm.params.text), /This message will go to 1,551 users/);

    const final = await report(world, id, mark);
    assert.equal(
      final.params.text,
      `📣 Broadcast #${id} finished in ${/in (\d+) s/.exec(String(final.params.text))?.[1]} s: 1,501 of 1,551 users got it; 50 blocked the bot or are gone; 0 failed.`,
    );
    for (const user of reachable) assert.equal(emu.deliveredCount(user.id), 1, `user ${user.id}`);
    const sent = emu.calls
      .slice(mark)
      .filter((c) => c.ok && c.method === 'sendMessage' && c.params.chat_id !== ADMIN);
    assert.ok(
      sent.every(
        (c) => c.params.allow_paid_broadcast === true && c.params.text === 'Hello, *learners*!',
      ),
    );
    assert.deepEqual(await countRecipients(db, id), {
      pending: 0,
      sent: 1501,
      blocked: 50,
      failed: 0,
      unknown: 0,
    });
    const marked = await db
      .selectFrom('users')
      .select('id')
      .where('blocked_at', 'is not', null)
      .execute();
    assert.deepEqual(marked.map((u) => u.id).sort(), [...gone].sort());
  });

  it('copies a photo with its caption to everyone', async () => {
    const { emu } = world;
    const photo = emu.sendFile(admin, {
      kind: 'photo',
      content: 'jpeg bytes',
      caption: 'New lesson!',
    }).message as Message;
    const mark = emu.mark();
    emu.pushUpdate({
      message: {
        message_id: photo.message_id + 1000,
        date: Math.floor(Date.now() / 1000),
        chat: photo.chat,
        from: admin,
        text: '/broadcast',
        entities: [{ type: 'bot_command', offset: 0, length: 10 }],
        reply_to_message: photo as never,
      } as never,
    });
    const id = await pressSend(world, admin, mark);
    await report(world, id, mark);
    const copies = emu.calls.slice(mark).filter((c) => c.ok && c.method === 'copyMessage');
    // 1,500 learners and the admin; the 50 marked gone are no longer in the audience.
    assert.equal(copies.length, 1501);
    const someone = copies[0]?.params.chat_id as number;
    const received = emu.messages(someone).at(-1);
    assert.equal(received?.caption, 'New lesson!');
    assert.ok(received?.photo);
  });

  it('after kill -9 mid-broadcast, resumes: nobody missed, duplicates within the in-flight bound', async () => {
    const { emu } = world;
    const { reachable } = await populate(emu, db, { reachable: 2500 });
    const before = new Map(reachable.map((u) => [u.id, emu.deliveredCount(u.id)]));
    const mark = emu.mark();
    const { id } = await broadcast(world, admin, '/broadcast Resume test');
    await eventually(
      () =>
        emu.calls.slice(mark).filter((c) => c.ok && c.params.text === 'Resume test').length > 800,
      'a third sent',
    );
    await world.crash();
    await report(world, id, mark);
    let duplicates = 0;
    for (const user of reachable) {
      const got = emu.deliveredCount(user.id) - (before.get(user.id) ?? 0);
      assert.ok(got >= 1, `user ${user.id} missed`);
      duplicates += got - 1;
    }
    // The actor keeps at most ceil(rate / 10) = 30 messages in flight.
    assert.ok(duplicates <= 30, `${duplicates} duplicates`);
  });
});

describe('broadcast, normal rate', () => {
  let world: World;
  let admin: User;
  before(async () => {
    world = await startWorld({ env: { ADMIN_IDS: String(ADMIN) } });
    admin = world.emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en' });
    await populate(world.emu, await world.db(), { reachable: 600 });
  });
  after(() => world.close());

  it('answers users promptly while it sends, and stops within a second when cancelled', async () => {
    const { emu } = world;
    const mark = emu.mark();
    const { id, statusMessage } = await broadcast(world, admin, '/broadcast Slow one');
    await eventually(
      () => emu.calls.slice(mark).filter((c) => c.ok && c.params.text === 'Slow one').length > 30,
      'sending',
    );

    const visitor = emu.user({ first_name: 'Visitor', language_code: 'en' });
    const asked = Date.now();
    await world.ask(visitor, '/start', /^Hello, Visitor!/);
    assert.ok(Date.now() - asked < 3000, 'the answer did not wait behind the broadcast');

    const progress = await emu.waitForCall(
      'editMessageText',
      (c) => c.ok && String(c.params.text).startsWith(`📣 Broadcast #${id}\n`),
      { after: mark, timeoutMs: 10_000 },
    );
    assert.match(
      String(progress.params.text),
      /[▓░]{12} \d+%\n✅ Sent: [\d,]+ · 🚫 Blocked: 0 · ⚠️ Failed: 0\n⏳ Remaining: [\d,]+ · ⚡ [\d.]+ msg\/s · about \d+ s left/,
    );

    const stopMark = emu.mark();
    emu.pressButton(admin, statusMessage, `bc-stop:${id}`);
    const stopped = await report(world, id, stopMark);
    const stopAt =
      emu.calls.slice(stopMark).find((c) => c.method === 'answerCallbackQuery')?.at ?? Date.now();
    const late = emu.calls
      .slice(stopMark)
      .filter((c) => c.ok && c.params.text === 'Slow one' && c.at > stopAt + 1000);
    assert.equal(late.length, 0, 'sending stopped within a second');
    const delivered = emu.calls.filter((c) => c.ok && c.params.text === 'Slow one').length;
    assert.match(
      String(stopped.params.text),
      new RegExp(`stopped after \\d+ s: ${delivered.toLocaleString('en')} of 601 users got it`),
    );
    assert.equal(emu.stats.tooManyRequests, 0);
  });

  it('/broadcast_cancel stops the running broadcast, and Cancel drops a draft', async () => {
    const { emu } = world;
    const draft = await world.ask(admin, '/broadcast Never sent', CONFIRM);
    const message = emu.messages(ADMIN).find((m) => m.message_id === draft.result?.message_id);
    assert.ok(message);
    const drop =
      (draft.params.reply_markup as Keyboard).inline_keyboard[0]?.[1]?.callback_data ?? '';
    const dropMark = emu.mark();
    emu.pressButton(admin, message, drop);
    await emu.waitForCall(
      'editMessageText',
      saying(ADMIN, 'Broadcast cancelled: nothing was sent.'),
      {
        after: dropMark,
      },
    );

    const mark = emu.mark();
    const { id } = await broadcast(world, admin, '/broadcast Second one');
    await eventually(
      () => emu.calls.slice(mark).some((c) => c.ok && c.params.text === 'Second one'),
      'sending',
    );
    await world.ask(admin, '/broadcast_cancel', 'Stopping the broadcast…');
    await report(world, id, mark);
    await world.ask(admin, '/broadcast_cancel', 'No broadcast is being sent.');
    assert.equal(
      emu.calls.filter((c) => c.params.text === 'Never sent').length,
      0,
      'the dropped draft was never sent',
    );
  });
});
