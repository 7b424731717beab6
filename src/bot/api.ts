import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { autoRetry } from '@grammyjs/auto-retry';
import type { Api } from 'grammy';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import { answerOutcome, failureOutcome, isNetworkError, neverSent } from '../telegram-errors.js';

export interface RetryOptions {
  /** Retries of one call after a 429, a 5xx or a network error. */
  attempts: number;
  /** First backoff after a network error; it doubles each time. */
  networkDelayMs: number;
  /** One call (but getUpdates, which long-polls) gives up after this long. */
  callTimeoutMs: number;
}

/** The retries and timeouts of the bot's own calls and of its notices. */
export const BOT_API_RETRY: RetryOptions = {
  attempts: 3,
  networkDelayMs: 1000,
  callTimeoutMs: 15_000,
};

// After a timeout or a connection lost mid-request, a message may have been delivered all the
// same: sending it again could duplicate it, so only calls that are safe to repeat are retried
// then. A request that provably never left (refused connection, failed lookup) always is.
const UNSAFE_TO_REPEAT = /^(send|copy|forward)/;

/**
 * Makes every Bot API call resilient and observable: each call has a timeout, 429s wait
 * their retry_after and 5xx back off (auto-retry), network errors back off too where a
 * repeat is harmless, all within a bounded number of attempts (auto-retry alone would
 * retry network errors forever), and a call that still fails is logged. getUpdates is
 * left to the runner, which has its own retry loop.
 */
export function configureApi(api: Api, logger: Logger, options: RetryOptions): void {
  api.config.use((prev, method, payload, signal) => {
    if (method === 'getUpdates') return prev(method, payload, signal);
    // grammY types signals with the abort-controller shim; Node's native ones work at run time.
    const timeout = AbortSignal.timeout(options.callTimeoutMs);
    const both = signal ? AbortSignal.any([signal as unknown as AbortSignal, timeout]) : timeout;
    return prev(method, payload, both as unknown as typeof signal);
  });
  api.config.use(
    autoRetry({ maxRetryAttempts: options.attempts, maxDelaySeconds: 60, rethrowHttpErrors: true }),
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
