import type { MiddlewareFn } from 'grammy';
import type { Config } from '../../config.js';
import type { Db } from '../../db/database.js';
import type { Processing } from '../../library/jobs.js';
import type { Logger } from '../../logger.js';
import type { Metrics } from '../../ops/metrics.js';
import type { LiveSettings } from '../../settings.js';
import type { Context } from '../context.js';

/** Puts the shared dependencies and a per-update child logger on the context. */
export function attachContext(deps: {
  config: Config;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  processing: Processing;
  settings: LiveSettings;
}): MiddlewareFn<Context> {
  return (ctx, next) => {
    ctx.config = deps.config;
    ctx.settings = deps.settings.current;
    ctx.db = deps.db;
    ctx.processing = deps.processing;
    ctx.logger = deps.logger.child({ update_id: ctx.update.update_id });
    ctx.metrics = deps.metrics;
    return next();
  };
}
