import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Api, HttpError } from 'grammy';
import pino from 'pino';
import { cancelOn, configureApi, countApiCalls } from '../../../src/bot/api.js';
import { createMetrics } from '../../../src/ops/metrics.js';
import { networkError } from '../network-error.js';

/**
 * An Api answering each call with the next of `answers` (a Bot API answer, or an error to
 * throw; a success once they run out), counted by countApiCalls, with the bot's retries
 * around it if asked. `calls` counts the attempts that reached the fake.
 */
function scriptedApi(answers: (Record<string, unknown> | Error)[], retries = false) {
  const api = new Api('1:fake');
  let calls = 0;
  api.config.use(async () => {
    calls++;
    const answer = answers.shift() ?? { ok: true, result: true };
    if (answer instanceof Error) throw answer;
    return answer as never;
  });
  const metrics = createMetrics();
  countApiCalls(api, metrics.apiCalls);
  if (retries) {
    configureApi(api, pino({ level: 'silent' }), {
      attempts: 3,
      networkDelayMs: 1,
      callTimeoutMs: 5000,
    });
  }
  const counted = async () => {
    const { values } = await metrics.apiCalls.get();
    return Object.fromEntries(
      values.map(({ labels, value }) => [`${labels.method} ${labels.outcome}`, value]),
    );
  };
  return { api, counted, calls: () => calls };
}

describe('configureApi', () => {
  it('sends again when the request provably never reached Telegram', async () => {
    const { api, calls } = scriptedApi(
      [networkError('connect ECONNREFUSED', 'ECONNREFUSED')],
      true,
    );
    await api.sendMessage(1, 'hi');
    assert.equal(calls(), 2);
  });

  it('never sends again after a connection lost mid-request, but repeats a safe call', async () => {
    const lost = networkError('socket hang up', 'ECONNRESET');
    const send = scriptedApi([lost], true);
    await assert.rejects(send.api.sendMessage(1, 'hi'), (error) => error === lost);
    assert.equal(send.calls(), 1);
    const safe = scriptedApi([lost], true);
    await safe.api.deleteMessage(1, 1);
    assert.equal(safe.calls(), 2);
  });
});

const refusal = (error_code: number, description: string, retry_after?: number) => ({
  ok: false,
  error_code,
  description,
  ...(retry_after === undefined ? {} : { parameters: { retry_after } }),
});

describe('countApiCalls', () => {
  it('counts every attempt: a 429 waited out, then its retry', async () => {
    const { api, counted } = scriptedApi(
      [
        refusal(429, 'Too Many Requests: retry after 0', 0),
        { ok: true, result: { message_id: 1 } },
        refusal(400, 'Bad Request: no'),
      ],
      true,
    );
    await api.sendMessage(1, 'hi');
    await assert.rejects(api.deleteMessage(1, 1));
    assert.deepEqual(await counted(), {
      'sendMessage 429': 1,
      'sendMessage ok': 1,
      'deleteMessage 4xx': 1,
    });
  });

  it('tells 5xx, network failures and timeouts apart, and leaves out calls cancelled here', async () => {
    const timedOut = new Error("Request to 'getMe' timed out after 60 seconds");
    const { api, counted } = scriptedApi([
      refusal(502, 'Bad Gateway'),
      networkError('socket hang up', 'ECONNRESET'),
      new HttpError("Network request for 'getMe' failed!", timedOut),
      networkError('connect ETIMEDOUT', 'ETIMEDOUT'),
    ]);
    await assert.rejects(api.getMe());
    await assert.rejects(api.getMe());
    await assert.rejects(api.getMe());
    await assert.rejects(api.getMe());
    // Aborted by the call's deadline: a timeout; aborted by a shutdown: not counted.
    const late = new HttpError("Network request for 'close' failed!", new Error('aborted'));
    const deadline = AbortSignal.timeout(0);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const cancelled = AbortSignal.abort();
    const signal = (s: AbortSignal) => s as unknown as Parameters<typeof api.close>[0];
    const failing = scriptedApi([late, late]);
    await assert.rejects(failing.api.close(signal(deadline)));
    await assert.rejects(failing.api.close(signal(cancelled)));
    assert.deepEqual(await counted(), { 'getMe 5xx': 1, 'getMe network': 1, 'getMe timeout': 2 });
    assert.deepEqual(await failing.counted(), { 'close timeout': 1 });
  });
});

describe('cancelOn', () => {
  it('lets many calls in flight listen to the shutdown signal without a leak warning', async () => {
    const api = new Api('1:fake');
    api.config.use(async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return { ok: true, result: true } as never;
    });
    cancelOn(api, new AbortController().signal);
    const warnings: string[] = [];
    const listen = (warning: Error) => warnings.push(warning.name);
    process.on('warning', listen);
    try {
      await Promise.all(Array.from({ length: 30 }, (_, i) => api.deleteMessage(1, i)));
      // A warning is emitted on the next tick.
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', listen);
    }
    assert.deepEqual(warnings, []);
  });
});
