import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Bot, GrammyError } from 'grammy';
import { callJson } from './helpers.js';
import { Emulator } from './index.js';

describe('emulator transport', () => {
  let emu: Emulator;
  beforeEach(async () => {
    // Many calls to one chat: the flood limits have their own tests (limits.test.ts).
    emu = await Emulator.start({ token: '123456:ABC-test_token', perChatRate: null });
  });
  afterEach(() => emu.stop());

  it('serves getMe to grammY with the bot user', async () => {
    const bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
    const me = await bot.api.getMe();
    assert.equal(me.id, 123456);
    assert.equal(me.is_bot, true);
    assert.equal(me.username, 'PrimeLingoBot');
    assert.equal(me.supports_inline_queries, true);
    assert.match(emu.apiRoot, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('answers 401 for a wrong token and 404 for an unknown method, as JSON', async () => {
    const wrong = await callJson(emu, 'getMe', {}, { token: '1:nope' });
    assert.equal(wrong.status, 401);
    assert.deepEqual(wrong.body, { ok: false, error_code: 401, description: 'Unauthorized' });
    const unknown = await callJson(emu, 'sendTelepathy');
    assert.equal(unknown.status, 404);
    assert.deepEqual(unknown.body, { ok: false, error_code: 404, description: 'Not Found' });
    const elsewhere = await fetch(`${emu.apiRoot}/nothing`);
    assert.equal(elsewhere.status, 404);
    assert.equal(((await elsewhere.json()) as { ok: boolean }).ok, false);
  });

  it('reports refusals with the matching HTTP status, seen by grammY as GrammyError', async () => {
    const bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
    const error = await bot.api.sendMessage(42, 'hi').catch((err: unknown) => err);
    assert.ok(error instanceof GrammyError);
    assert.equal(error.error_code, 400);
    assert.equal(error.description, 'Bad Request: chat not found');
    const raw = await callJson(emu, 'sendMessage', { chat_id: 42, text: 'hi' });
    assert.equal(raw.status, 400);
  });

  it('decodes JSON, urlencoded, query-string and multipart params alike', async () => {
    const user = emu.user({ first_name: 'Ann', started: true });
    const markup = { inline_keyboard: [[{ text: 'Go', callback_data: 'go' }]] };
    const url = `${emu.apiRoot}/bot${emu.token}`;
    await callJson(emu, 'sendMessage', { chat_id: user.id, text: 'json', reply_markup: markup });
    await fetch(`${url}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: String(user.id),
        text: 'form',
        reply_markup: JSON.stringify(markup),
      }),
    });
    await fetch(`${url}/sendMessage?chat_id=${user.id}&text=query&protect_content=true`);
    const form = new FormData();
    form.set('chat_id', String(user.id));
    form.set('text', 'multipart');
    form.set('reply_markup', JSON.stringify(markup));
    await fetch(`${url}/SENDMESSAGE`, { method: 'POST', body: form });

    const sends = emu.calls.filter((c) => c.method === 'sendMessage');
    assert.deepEqual(
      sends.map((c) => [c.ok, c.params.chat_id, c.params.text]),
      [
        [true, user.id, 'json'],
        [true, user.id, 'form'],
        [true, user.id, 'query'],
        [true, user.id, 'multipart'],
      ],
    );
    assert.deepEqual(sends[1]?.params.reply_markup, markup);
    assert.deepEqual(sends[3]?.params.reply_markup, markup);
    assert.equal(sends[2]?.params.protect_content, true);
    const messages = emu.messages(user.id);
    assert.deepEqual(messages[3]?.reply_markup, markup);
    assert.equal(messages[2]?.has_protected_content, true);
  });

  it('returns full Message objects and parses HTML like the server', async () => {
    const bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
    const user = emu.user({ first_name: 'Ann', username: 'ann', started: true });
    const sent = await bot.api.sendMessage(
      user.id,
      '  <b>Hi</b> &amp; <a href="https://x.y">go</a> ',
      {
        parse_mode: 'HTML',
      },
    );
    assert.deepEqual(sent.from, {
      id: emu.bot.id,
      is_bot: true,
      first_name: 'PrimeLingo',
      username: 'PrimeLingoBot',
    });
    assert.deepEqual(sent.chat, {
      id: user.id,
      type: 'private',
      first_name: 'Ann',
      username: 'ann',
    });
    assert.equal(sent.text, 'Hi & go');
    assert.deepEqual(sent.entities, [
      { type: 'bold', offset: 0, length: 2 },
      { type: 'text_link', offset: 5, length: 2, url: 'https://x.y' },
    ]);
    assert.ok(Math.abs(sent.date - Date.now() / 1000) < 60);
    const bad = await bot.api
      .sendMessage(user.id, 'a <b> c', { parse_mode: 'HTML' })
      .catch((err: unknown) => err);
    assert.ok(bad instanceof GrammyError);
    assert.match(bad.description, /^Bad Request: can't parse entities: /);
    const empty = await callJson(emu, 'sendMessage', { chat_id: user.id, text: '   ' });
    assert.equal(empty.body.description, 'Bad Request: message text is empty');
    const long = await callJson(emu, 'sendMessage', { chat_id: user.id, text: 'x'.repeat(4097) });
    assert.equal(long.body.description, 'Bad Request: message is too long');
  });
});
