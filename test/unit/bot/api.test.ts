import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Api, HttpError } from 'grammy';
import pino from 'pino';
import { configureApi } from '../../../src/bot/api.js';

/** An Api whose every call fails with `errors` in turn, then succeeds; counts the calls. */
function failingApi(errors: Error[]) {
  const api = new Api('1:fake');
  let calls = 0;
  api.config.use(async () => {
    const error = errors[calls++];
    if (error) throw error;
    // Only success matters here, not the message returned.
    return { ok: true, result: { message_id: 1 } } as never;
  });
  configureApi(api, pino({ level: 'silent' }), {
    attempts: 3,
    networkDelayMs: 1,
    callTimeoutMs: 5000,
  });
  return { api, calls: () => calls };
}

const network = (message: string, code: string) =>
  new HttpError(
    "Network request for 'sendMessage' failed!",
    Object.assign(new Error(message), { code }),
  );

describe('configureApi', () => {
  it('sends again when the request provably never reached Telegram', async () => {
    const { api, calls } = failingApi([network('connect ECONNREFUSED', 'ECONNREFUSED')]);
    await api.sendMessage(1, 'hi');
    assert.equal(calls(), 2);
  });

  it('never sends again after a connection lost mid-request, but repeats a safe call', async () => {
    const lost = network('socket hang up', 'ECONNRESET');
    const send = failingApi([lost]);
    await assert.rejects(send.api.sendMessage(1, 'hi'), (error) => error === lost);
    assert.equal(send.calls(), 1);
    const safe = failingApi([lost]);
    await safe.api.deleteMessage(1, 1);
    assert.equal(safe.calls(), 2);
  });
});
