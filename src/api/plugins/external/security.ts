import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import fp from 'fastify-plugin';

/** Requests one address may make per minute to this process (each API process counts its own). */
const RATE_LIMIT_PER_MINUTE = 300;

/** Helmet headers, CORS closed unless API_CORS_ORIGINS lists origins, a rate limit on every route. */
export default fp(
  async (fastify) => {
    await fastify.register(helmet);
    const origins = fastify.deps.config.api.corsOrigins;
    await fastify.register(cors, { origin: origins.length > 0 ? origins : false });
    await fastify.register(rateLimit, { max: RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' });
  },
  { name: 'security', dependencies: ['deps'] },
);
