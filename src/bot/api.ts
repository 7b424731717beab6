import { autoRetry } from '@grammyjs/auto-retry';
import { type Api, GrammyError, HttpError } from 'grammy';
import type { Logger } from '../logger.js';

export interface RetryOptions {
  /** Retries of one call after a 429, a 5xx or a network error. */
  attempts: number;
  /** First backoff after a network error; it doubles each time. */
  networkDelayMs: number;
}

/**
 * Makes every Bot API call resilient and observable: 429s wait their retry_after and 5xx
 * back off (auto-retry), network errors back off too, all within a bounded number of
 * attempts (auto-retry alone would retry network errors forever), and a call that still
 * fails is logged. getUpdates is left to the runner, which has its own retry loop.
 */
export function configureApi(api: Api, logger: Logger, options: RetryOptions): void {
  api.config.use(
    autoRetry({ maxRetryAttempts: options.attempts, maxDelaySeconds: 60, rethrowHttpErrors: true }),
  );
  api.config.use(async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (error) {
        const retry =
          error instanceof HttpError &&
          method !== 'getUpdates' &&
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
      const expected =
        error instanceof GrammyError && error.error_code < 500 && error.error_code !== 429;
      if (!signal?.aborted) {
        logger[expected ? 'debug' : 'warn']({ err: error, method }, 'Bot API call failed');
      }
      throw error;
    }
  });
}
