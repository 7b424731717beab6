import { setMaxListeners } from 'node:events';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { autoRetry } from '@grammyjs/auto-retry';
import type { Api, Transformer } from 'grammy';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import { answerOutcome, failureOutcome, isNetworkError, neverSent } from '../telegram-errors.js';

export interface RetryOptions {
  /** Retries of one call after a 429, a 5xx or a network error. */
  attempts: number;
  /** First backoff after a network error; it doubles each time. */
  networkDelayMs: number;
  /** One call gives up after this long; getUpdates after its long poll and this. */
  callTimeoutMs: number;
}

/** The retries of the bot's own calls and of its notices; the timeout is BOT_API_TIMEOUT_SECONDS. */
export function botApiRetry(callTimeoutMs: number): RetryOptions {
  return { attempts: 3, networkDelayMs: 1000, callTimeoutMs };
}

/** A 429 asking for a longer wait than this is not waited out, but handed to the caller. */
export const MAX_RETRY_AFTER_SECONDS = 60;

// After a timeout or a connection lost mid-request, a message may have been delivered all the
// same: sending it again could duplicate it, so only calls that are safe to repeat are retried
// then. A request that provably never left (refused connection, failed lookup) always is.
const UNSAFE_TO_REPEAT = /^(send|copy|forward)/;

/**
 * Makes every Bot API call resilient and observable: each call has a timeout, 429s wait
 * their retry_after and 5xx back off (auto-retry), network errors back off too where a
 * repeat is harmless, all within a bounded number of attempts (auto-retry alone would
 * retry network errors forever), and a call that still fails is logged. getUpdates is
 * only timed: the runner has its own retry loop. `pace` (the outbox's) makes every attempt
 * wait for its turn, and the wait is no part of the timeout.
 */
export function configureApi(
  api: Api,
  logger: Logger,
  options: RetryOptions,
  pace?: Transformer,
): void {
  api.config.use((prev, method, payload, signal) => {
    // A long poll is held by design; a server that stalls beyond it is given up on like any call.
    const poll =
      method === 'getUpdates' ? ((payload as { timeout?: number }).timeout ?? 0) * 1000 : 0;
    return withSignal(signal, AbortSignal.timeout(poll + options.callTimeoutMs), (both) =>
      prev(method, payload, both),
    );
  });
  if (pace) api.config.use(pace);
  api.config.use(
    autoRetry({
      maxRetryAttempts: options.attempts,
      maxDelaySeconds: MAX_RETRY_AFTER_SECONDS,
      rethrowHttpErrors: true,
    }),
  );
  api.config.use(async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        const retry =
          isNetworkError(error) &&
          method !== 'getUpdates' &&
          (!UNSAFE_TO_REPEAT.test(method) || neverSent(error)) &&
          attempt < options.attempts &&
          !signal?.aborted;
        if (!retry) throw error;
        await new Promise((resolve) => setTimeout(resolve, options.networkDelayMs * 2 ** attempt));
      }
    }
  });
  api.config.use(async (prev, method, payload, signal) => {
    try {
      return await prev(method, payload, signal);
    } catch (error) {
      // Only the network fails here: grammY throws a refusal (ok: false) after the transformers.
      if (!signal?.aborted) logger.warn({ err: error, method }, 'Bot API call failed');
      throw error;
    }
  });
}

/**
 * The connections of a client of the Bot API. grammY's default agent keeps sockets alive
 * without a socket timeout, and so ignores the server's Keep-Alive hint: a call made on a
 * socket the server is just closing fails with ECONNRESET, an outcome a send cannot repeat.
 * Messages waiting their turn in the outbox leave sockets idle about as long as the server
 * keeps them, which made that race common under load.
 */
export function keepAliveAgent(apiRoot: string): HttpAgent {
  const Agent = apiRoot.startsWith('https:') ? HttpsAgent : HttpAgent;
  // A socket timeout makes Node's agent honour the server's Keep-Alive hint (it ignores the
  // hint without one) and drop idle sockets before the server closes them.
  return new Agent({ keepAlive: true, timeout: 60_000 });
}

/**
 * Counts the client's requests by method and outcome. Install it before configureApi: it
 * then sits innermost and counts every attempt, so a 429 that auto-retry waits out shows as
 * a 429, and its retry as one more call.
 */
export function countApiCalls(api: Api, calls: Metrics['apiCalls']): void {
  api.config.use(async (prev, method, payload, signal) => {
    try {
      const answer = await prev(method, payload, signal);
      calls.inc({ method, outcome: answerOutcome(answer) });
      return answer;
    } catch (error) {
      const native = signal as unknown as AbortSignal | undefined;
      const outcome = failureOutcome(error, native);
      // A call the process cancelled itself (a shutdown) is no outcome of Telegram's.
      if (outcome === 'timeout' || !native?.aborted) calls.inc({ method, outcome });
      throw error;
    }
  });
}

/**
 * Makes `signal` abort every call of `api` in flight or to come (getUpdates aside: the
 * runner stops its own poll, and shutdown's last one confirms the offset): a shutdown gives
 * up on a Telegram that does not answer instead of overrunning its deadline.
 */
export function cancelOn(api: Api, signal: AbortSignal): void {
  // Every call in flight listens to it: many at once are no leak (Node 20 warns past 10).
  setMaxListeners(0, signal);
  api.config.use((prev, method, payload, callSignal) => {
    if (method === 'getUpdates') return prev(method, payload, callSignal);
    return withSignal(callSignal, signal, (both) => prev(method, payload, both));
  });
}

/** The signal a transformer is handed (grammY types it with the abort-controller polyfill). */
export type CallSignal = Parameters<Transformer>[3];

/**
 * Runs `call` with a signal that aborts with the call's own or with `extra`, and lets go of
 * both afterwards (`extra` may live as long as the process). The call's signal may be the
 * abort-controller polyfill's (the runner's getUpdates), which AbortSignal.any() ignores
 * without a word: a stopped runner would then wait out its stalled poll.
 */
async function withSignal<T>(
  signal: CallSignal,
  extra: AbortSignal,
  call: (both: CallSignal) => Promise<T>,
): Promise<T> {
  const both = new AbortController();
  // With `extra`'s reason, so a timeout reads as one (the metrics count it as such).
  const abort = () => both.abort(extra.aborted ? extra.reason : undefined);
  if (signal?.aborted || extra.aborted) abort();
  signal?.addEventListener('abort', abort, { once: true });
  extra.addEventListener('abort', abort, { once: true });
  try {
    // grammY types signals with the polyfill; a native one works at run time.
    return await call(both.signal as unknown as CallSignal);
  } finally {
    signal?.removeEventListener('abort', abort);
    extra.removeEventListener('abort', abort);
  }
}
