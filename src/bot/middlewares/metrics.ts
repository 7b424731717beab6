import type { Composer, MiddlewareFn } from 'grammy';
import type { Metrics } from '../../ops/metrics.js';
import type { Context } from '../context.js';

/** Counts and times updates: `middleware` goes first, each feature goes in `feature()`. */
export interface UpdateMetrics {
  /** Counts the update by type and times its whole handling. */
  middleware: MiddlewareFn<Context>;
  /** The feature, reporting itself as the handler of the updates it does not pass on. */
  feature(name: string, feature: Composer<Context>): MiddlewareFn<Context>;
}

/**
 * An update's time is labelled with the feature that handled it: the first one that did not
 * pass it on (or threw), 'none' when a middleware stopped it before any feature (the flood
 * limit, a banned user). The time is the user's wait: the per-chat queue, the session and
 * the error handler included.
 */
export function updateMetrics(metrics: Pick<Metrics, 'updates' | 'handlerSeconds'>): UpdateMetrics {
  const handledBy = new WeakMap<Context, string>();
  return {
    middleware: async (ctx, next) => {
      const type = Object.keys(ctx.update).find((key) => key !== 'update_id') ?? 'unknown';
      metrics.updates.inc({ type });
      const end = metrics.handlerSeconds.startTimer();
      try {
        await next();
      } finally {
        end({ feature: handledBy.get(ctx) ?? 'none' });
      }
    },
    feature(name, feature) {
      const handle = feature.middleware();
      return async (ctx, next) => {
        let passed = false;
        try {
          await handle(ctx, () => {
            passed = true;
            return next();
          });
        } finally {
          if (!passed) handledBy.set(ctx, name);
        }
      };
    },
  };
}
