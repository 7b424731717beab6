import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { callJson } from './helpers.js';
import { Emulator } from './index.js';

describe('emulator flood limits', () => {
  let emu: Emulator;
  afterEach(() => emu.stop());

  it('allows a short burst per chat, then answers 429; waiting retry_after succeeds', async () => {
    emu = await Emulator.start({ perChatRate: 1, perChatBurst: 3 });
    const user = emu.user({ started: true });
    const other = emu.user({ started: true });
    const send = (chatId: number) => callJson(emu, 'sendMessage', { chat_id: chatId, text: 'x' });
    for (let i = 0; i < 3; i++) assert.equal((await send(user.id)).status, 200);
    const refused = await send(user.id);
    assert.equal(refused.status, 429);
    assert.deepEqual(refused.body, {
      ok: false,
      error_code: 429,
      description: 'Too Many Requests: retry after 1',
      parameters: { retry_after: 1 },
    });
    assert.equal((await send(other.id)).status, 200, 'other chats are not affected');
    // Edits count too.
    const edit = await callJson(emu, 'editMessageText', {
      chat_id: user.id,
      message_id: 1,
      text: 'y',
    });
    assert.equal(edit.status, 429);
    await new Promise((resolve) =>
      setTimeout(resolve, 1000 * (refused.body.parameters?.retry_after ?? 1)),
    );
    assert.equal((await send(user.id)).status, 200);
    assert.equal(emu.stats.tooManyRequests, 2);
    assert.equal(emu.deliveredCount(user.id), 4);
  });

  it('limits the whole bot, with paid broadcasts on their own bucket', async () => {
    emu = await Emulator.start({ globalRate: 2, perChatRate: null, paidRate: 3 });
    const users = Array.from({ length: 6 }, () => emu.user({ started: true }));
    const send = (chatId: number, paid = false) =>
      callJson(emu, 'sendMessage', { chat_id: chatId, text: 'x', allow_paid_broadcast: paid });
    const statuses = [];
    for (const user of users.slice(0, 3)) statuses.push((await send(user.id)).status);
    assert.deepEqual(statuses, [200, 200, 429]);
    const paid = [];
    for (const user of users.slice(2)) paid.push((await send(user.id, true)).status);
    assert.deepEqual(paid, [200, 200, 200, 429]);
    const retry = (await send(users[0]?.id ?? 0)).body.parameters?.retry_after;
    assert.ok(retry !== undefined && retry >= 1);
  });

  it('changes limits at run time and can disable them', async () => {
    emu = await Emulator.start({ perChatRate: 1, perChatBurst: 1 });
    const user = emu.user({ started: true });
    const send = () => callJson(emu, 'sendMessage', { chat_id: user.id, text: 'x' });
    assert.equal((await send()).status, 200);
    assert.equal((await send()).status, 429);
    emu.setLimits({ perChatRate: null, globalRate: null });
    for (let i = 0; i < 50; i++) assert.equal((await send()).status, 200);
  });
});
