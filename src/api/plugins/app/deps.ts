import fp from 'fastify-plugin';
import type { Db } from '../../../db/database.js';
import type { ApiDeps } from '../../app.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    /** What createApi was given: config, pool, thumbnails, logger. */
    deps: ApiDeps;
  }
}

/** The dependencies as decorators, so routes reach them as `fastify.db` and `fastify.deps`. */
export default fp<{ deps: ApiDeps }>(
  async (fastify, { deps }) => {
    fastify.decorate('deps', deps);
    fastify.decorate('db', deps.db);
  },
  { name: 'deps' },
);
