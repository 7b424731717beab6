import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { scrapeAllowed } from '../../ops/metrics.js';
import { ApiError } from '../errors.js';

/**
 * The whole process's metrics in Prometheus's text format, for scrapers: no login (a
 * scraper has no account), but with METRICS_TOKEN set only for that bearer token.
 */
const metrics: FastifyPluginAsyncTypebox = async (app) => {
  const { config, metrics } = app.deps;
  app.get(
    '/metrics',
    {
      // Scrapers poll it: they must not use up the per-address limit of the routes people call.
      config: { rateLimit: false },
      schema: { hide: true },
    },
    async (request, reply) => {
      if (!scrapeAllowed(config.metrics.token, request.headers.authorization)) {
        throw new ApiError(401, 'the metrics token is required');
      }
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
};

export default metrics;
