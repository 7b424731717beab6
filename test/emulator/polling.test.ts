import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Update } from 'grammy/types';
import { callJson, until } from './helpers.js';
import { Emulator } from './index.js';
import { UpdateQueue } from './updates.js';

const CONFLICT =
  'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running';

describe('emulator long polling', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await Emulator.start();
  });
  afterEach(() => emu.stop());

  it('holds a poll until the timeout, then answers []', async () => {
    const started = Date.now();
    const answer = await callJson(emu, 'getUpdates', { timeout: 1 });
    assert.deepEqual(answer.body, { ok: true, result: [] });
    assert.ok(Date.now() - started >= 900, 'held for about the timeout');
  });

  it('holds a poll for at most 50 s whatever timeout it asks for, like the real server', async (t) => {
    // The queue alone, on mocked timers: no socket waits for the mocked clock.
    t.mock.timers.enable({ apis: ['setTimeout'] });
    const queue = new UpdateQueue();
    let answered: Update[] | undefined;
    void queue.poll({ timeout: 100 }, new AbortController().signal).then((updates) => {
      answered = updates;
    });
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    await settle();
    t.mock.timers.tick(49_999);
    await settle();
    assert.equal(answered, undefined, 'still held before 50 s');
    t.mock.timers.tick(1);
    await settle();
    assert.deepEqual(answered, []);
  });

  it('answers a held poll as soon as an update is pushed', async () => {
    const user = emu.user();
    const poll = callJson(emu, 'getUpdates', { timeout: 30 });
    await until(() => emu.pollers === 1, 'the poll to be held');
    const pushed = emu.sendText(user, 'hello');
    const answer = await poll;
    assert.deepEqual(answer.body.result, [pushed]);
    assert.equal(emu.pollers, 0);
  });

  it('redelivers until an offset confirms, and honours limit and negative offsets', async () => {
    const user = emu.user();
    const first = emu.sendText(user, 'one');
    const second = emu.sendText(user, 'two');
    const third = emu.sendText(user, 'three');
    const ids = (answer: { body: { result?: unknown } }) =>
      (answer.body.result as Update[]).map((u) => u.update_id);
    assert.deepEqual(ids(await callJson(emu, 'getUpdates', { limit: 2 })), [
      first.update_id,
      second.update_id,
    ]);
    assert.deepEqual(ids(await callJson(emu, 'getUpdates')), [
      first.update_id,
      second.update_id,
      third.update_id,
    ]);
    assert.deepEqual(ids(await callJson(emu, 'getUpdates', { offset: second.update_id })), [
      second.update_id,
      third.update_id,
    ]);
    assert.deepEqual(ids(await callJson(emu, 'getUpdates', { offset: -1 })), [third.update_id]);
    assert.deepEqual(ids(await callJson(emu, 'getUpdates', { offset: third.update_id + 1 })), []);
  });

  it('answers 409 to the held poll when another arrives, and serves the newcomer', async () => {
    const held = callJson(emu, 'getUpdates', { timeout: 30 });
    await until(() => emu.pollers === 1, 'the poll to be held');
    const newer = callJson(emu, 'getUpdates', { timeout: 30 });
    const old = await held;
    assert.equal(old.status, 409);
    assert.equal(old.body.description, CONFLICT);
    await until(() => emu.pollers === 1, 'the newcomer to be held');
    const update = emu.sendText(emu.user(), 'for the newcomer');
    assert.deepEqual((await newer).body.result, [update]);
  });

  it("with pollConflict 'reject-new', the newcomer gets the 409 instead", async () => {
    const other = await Emulator.start({ pollConflict: 'reject-new' });
    try {
      const held = callJson(other, 'getUpdates', { timeout: 30 });
      await until(() => other.pollers === 1, 'the poll to be held');
      const second = await callJson(other, 'getUpdates', { timeout: 1 });
      assert.equal(second.status, 409);
      assert.equal(second.body.description, CONFLICT);
      assert.equal(other.pollers, 1, 'the first poll is still held');
      const update = other.sendText(other.user(), 'for the first poller');
      assert.deepEqual((await held).body.result, [update]);
    } finally {
      await other.stop();
    }
  });

  it("with 'reject-new', a poll aborted and repeated at once is not a conflict", async () => {
    const other = await Emulator.start({ pollConflict: 'reject-new' });
    try {
      const controller = new AbortController();
      const held = callJson(other, 'getUpdates', { timeout: 30 }, { signal: controller.signal });
      const outcome = held.then(
        () => 'answered',
        () => 'aborted',
      );
      await until(() => other.pollers === 1, 'the poll to be held');
      controller.abort();
      const again = await callJson(other, 'getUpdates', { timeout: 0 });
      assert.equal(await outcome, 'aborted');
      assert.equal(again.status, 200);
    } finally {
      await other.stop();
    }
  });

  it('drops a poller whose client disconnects, so a new one succeeds', async () => {
    const controller = new AbortController();
    const held = callJson(emu, 'getUpdates', { timeout: 30 }, { signal: controller.signal });
    await until(() => emu.pollers === 1, 'the poll to be held');
    controller.abort();
    await assert.rejects(held);
    await until(() => emu.pollers === 0, 'the poll to be dropped');
    const user = emu.user();
    const pushed = emu.sendText(user, 'after restart');
    const answer = await callJson(emu, 'getUpdates', { timeout: 5 });
    assert.deepEqual(answer.body.result, [pushed]);
    const aborted = emu.calls.find((c) => c.method === 'getUpdates' && c.aborted);
    assert.ok(aborted, 'the abandoned poll is recorded as aborted');
  });

  it('filters by allowed_updates, opting in to chat_member only on request', async () => {
    const user = emu.user();
    emu.pushUpdate({
      chat_member: {} as never,
    });
    const message = emu.sendText(user, 'hi');
    const answer = await callJson(emu, 'getUpdates');
    assert.deepEqual(answer.body.result, [message]);
    const query = emu.inlineQuery(user, 'abc');
    emu.sendText(user, 'ignored');
    const only = await callJson(emu, 'getUpdates', {
      offset: message.update_id + 1,
      allowed_updates: ['inline_query'],
    });
    assert.deepEqual(only.body.result, [query]);
  });
});
