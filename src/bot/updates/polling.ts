import { run } from '@grammyjs/runner';
import type { Bot } from 'grammy';
import type { Logger } from '../../logger.js';
import type { Context } from '../context.js';
import type { InFlight } from '../middlewares/in-flight.js';
import { ALLOWED_UPDATES, SINK_CONCURRENCY, type UpdateSource } from './source.js';

export interface PollingOptions {
  logger: Logger;
  /** The updates being handled; the last one's offset is confirmed at close. */
  inFlight: InFlight;
  /** A long poll ends within this window, or an idle bot would look cut off from Telegram. */
  contactWindowMs: number;
  /** Polling failed for good (401, 409, retries exhausted). */
  onFatal: (error: unknown) => void;
}

/** Long polling through the runner; a successful getUpdates is the contact with Telegram. */
export function createPolling(bot: Bot<Context>, options: PollingOptions): UpdateSource {
  const { logger, inFlight } = options;
  let contactAt: number | null = null;
  bot.api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (method === 'getUpdates' && result.ok) contactAt = Date.now();
    return result;
  });
  let runner: ReturnType<typeof run> | undefined;

  return {
    get contactAt() {
      return contactAt;
    },
    async start() {
      // Back from webhook mode: while a webhook is set, Telegram refuses getUpdates. Pending
      // updates stay, and polling takes them.
      await bot.api.deleteWebhook({ drop_pending_updates: false });
      runner = run(bot, {
        runner: {
          // Its own console logging would print node-fetch errors, which carry the token.
          silent: true,
          // Its default backoff doubles without a cap: after a long outage it would wait hours
          // before polling again. Every getUpdates has its timeout, so a steady second will do.
          retryInterval: 1000,
          fetch: {
            allowed_updates: ALLOWED_UPDATES,
            timeout: Math.min(30, Math.max(1, Math.floor(options.contactWindowMs / 2000))),
          },
        },
        sink: { concurrency: SINK_CONCURRENCY },
      });
      runner.task()?.catch((error: unknown) => {
        logger.fatal({ err: error }, 'polling failed for good');
        options.onFatal(error);
      });
    },
    async stop() {
      if (runner?.isRunning()) await runner.stop();
    },
    async close(withinMs) {
      // The runner confirms an offset only with its next getUpdates: confirm the last batch
      // now, or Telegram would deliver it again after the restart.
      if (inFlight.lastUpdateId === undefined) return;
      await bot.api
        .getUpdates(
          { offset: inFlight.lastUpdateId + 1, limit: 1, timeout: 0 },
          AbortSignal.timeout(withinMs) as unknown as Parameters<typeof bot.api.getUpdates>[1],
        )
        .catch((error: unknown) =>
          logger.warn(
            { err: error },
            'could not confirm the last updates: Telegram will deliver them again',
          ),
        );
    },
  };
}
