import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { callJson, until } from './helpers.js';
import { Emulator } from './index.js';

describe('emulator faults and call log', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await Emulator.start();
  });
  afterEach(() => emu.stop());

  it('fails the next calls of a method with the given error', async () => {
    emu.fail('getMe', { error_code: 502, description: 'Bad Gateway' }, 2);
    const first = await callJson(emu, 'getMe');
    assert.equal(first.status, 502);
    assert.deepEqual(first.body, { ok: false, error_code: 502, description: 'Bad Gateway' });
    assert.equal((await callJson(emu, 'getMe')).status, 502);
    assert.equal((await callJson(emu, 'getMe')).status, 200);
    // The normal checks come first.
    emu.fail('getMe', { error_code: 500, description: 'Internal' });
    assert.equal((await callJson(emu, 'getMe', {}, { token: '1:x' })).status, 401);
    assert.equal((await callJson(emu, 'getMe')).status, 500);
  });

  it('delays answers, per method or for all', async () => {
    emu.latency(300, 'getMe');
    let started = Date.now();
    await callJson(emu, 'getMe');
    assert.ok(Date.now() - started >= 280);
    await callJson(emu, 'getWebhookInfo');
    emu.latency(0);
    started = Date.now();
    await callJson(emu, 'getMe');
    assert.ok(Date.now() - started < 5000);
    assert.equal(emu.calls.length, 3);
  });

  it('asks a latency function again for each call', async () => {
    const delays = [400, 0];
    emu.latency(() => delays.shift() ?? 0, 'getMe');
    let started = Date.now();
    await callJson(emu, 'getMe');
    assert.ok(Date.now() - started >= 380);
    started = Date.now();
    await callJson(emu, 'getMe');
    assert.ok(Date.now() - started < 380);
    assert.deepEqual(delays, []);
  });

  it('hangs a call until the client gives up, recording it as aborted', async () => {
    emu.hang('getMe');
    const controller = new AbortController();
    const hung = callJson(emu, 'getMe', {}, { signal: controller.signal });
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(emu.calls.length, 0, 'nothing answered yet');
    controller.abort();
    await assert.rejects(hung);
    const call = await emu.waitForCall('getMe', (c) => c.aborted === true);
    assert.equal(call.ok, false);
    assert.equal((await callJson(emu, 'getMe')).status, 200, 'only the next call hangs');
  });

  it('drops the connection of a call it carried out, recording it as dropped', async () => {
    const user = emu.user();
    emu.sendText(user, 'hi'); // the bot may write to users who started it
    emu.drop('sendMessage');
    await assert.rejects(callJson(emu, 'sendMessage', { chat_id: user.id, text: 'lost?' }));
    const call = await emu.waitForCall('sendMessage');
    assert.equal(call.dropped, true);
    assert.equal(emu.messages(user.id).length, 1, 'the message was delivered all the same');
    const next = await callJson(emu, 'sendMessage', { chat_id: user.id, text: 'again' });
    assert.equal(next.status, 200, 'only the next call is dropped');
  });

  it('stalls every request, downloads included, during an outage', async () => {
    const file = emu.createFile({ kind: 'document', fileName: 'a.pdf', content: 'pdf' });
    const path = (await callJson(emu, 'getFile', { file_id: file.file_id })).body.result as {
      file_path: string;
    };
    emu.outage(true);
    const controller = new AbortController();
    const { signal } = controller;
    const held = [
      callJson(emu, 'getMe', {}, { signal }),
      callJson(emu, 'getUpdates', { timeout: 0 }, { signal }),
      fetch(`${emu.apiRoot}/file/bot${emu.token}/${path.file_path}`, { signal }),
    ];
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(emu.calls.length, 1, 'only the getFile before the outage was answered');
    emu.outage(false);
    assert.equal((await callJson(emu, 'getMe')).status, 200, 'a new request is answered');
    controller.abort();
    for (const request of held) await assert.rejects(request);
    await until(() => emu.calls.filter((c) => c.aborted).length === 2, 'two abandoned calls');
  });

  it('answers 429 to everything while restarting, with the remaining seconds', async () => {
    emu.restarting(0.4);
    const answer = await callJson(emu, 'getMe');
    assert.equal(answer.status, 429);
    assert.equal(answer.body.parameters?.retry_after, 1, 'whole seconds, rounded up');
    assert.equal(answer.body.description, 'Too Many Requests: retry after 1');
    assert.equal((await callJson(emu, 'getUpdates')).status, 429);
    assert.equal(emu.stats.tooManyRequests, 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal((await callJson(emu, 'getMe')).status, 200);
  });

  it('waits for calls past and future, after a cursor, and explains a timeout', async () => {
    await callJson(emu, 'getMe');
    const past = await emu.waitForCall('getMe');
    assert.equal(past.ok, true);
    const mark = emu.mark();
    assert.equal(mark, 1);
    const future = emu.waitForCall('getme', (c) => c.params.x === 2, { after: mark });
    await callJson(emu, 'getMe', { x: 1 });
    await callJson(emu, 'getMe', { x: 2 });
    assert.equal((await future).params.x, 2);
    await assert.rejects(
      emu.waitForCall('sendMessage', undefined, { after: mark, timeoutMs: 50 }),
      (err: Error) =>
        err.message.includes("waitForCall('sendMessage') timed out") &&
        err.message.includes('#2 getMe ok {"x":2}'),
    );
  });

  it('counts held pollers', async () => {
    assert.equal(emu.pollers, 0);
    const poll = callJson(emu, 'getUpdates', { timeout: 5 });
    await until(() => emu.pollers === 1, 'a held poll');
    emu.sendText(emu.user(), 'x');
    await poll;
    assert.equal(emu.pollers, 0);
  });
});
