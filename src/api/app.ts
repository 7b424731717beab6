import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type RawServerDefault,
} from 'fastify';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { ProcessingPool } from '../library/pool.js';
import type { Search } from '../library/search-pool.js';
import type { ThumbnailStore } from '../library/thumbnail-store.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import { ensureFirstAdmin } from './first-admin.js';
import authentication from './plugins/app/auth.js';
import deps from './plugins/app/deps.js';
import errors from './plugins/app/errors.js';
import validation from './plugins/app/validation.js';
import security from './plugins/external/security.js';
import swagger from './plugins/external/swagger.js';
import admins from './routes/admins.js';
import audit from './routes/audit.js';
import login from './routes/auth.js';
import broadcasts from './routes/broadcasts.js';
import files from './routes/files.js';
import health from './routes/health.js';
import healthChecks from './routes/health-checks.js';
import me from './routes/me.js';
import metrics from './routes/metrics.js';
import settings from './routes/settings.js';
import stats from './routes/stats.js';
import users from './routes/users.js';

/** What the admin API is built from. */
export interface ApiDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** The process's metrics, served at /metrics. */
  metrics: Metrics;
  /** From resolveJwtSecret(config) (src/api/secret.ts). */
  jwtSecret: string;
  pool: Pick<ProcessingPool, 'makeThumbnail'>;
  /** The bot's search (the search threads), for GET /api/files?q=. */
  search: Search;
  thumbnails: ThumbnailStore;
}

/** The admin API's Fastify instance, typed by its TypeBox schemas. */
export type ApiInstance = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** 1 MB: the thumbnail upload raises its own limit. */
const BODY_LIMIT = 1024 * 1024;

/**
 * Builds the admin HTTP API with its plugins and routes; the caller listens (or, in tests,
 * injects requests with no port).
 */
export async function createApi(apiDeps: ApiDeps): Promise<ApiInstance> {
  await ensureFirstAdmin(apiDeps.db, apiDeps.config);
  const app = Fastify({
    loggerInstance: apiDeps.logger.child({ part: 'api' }) as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT,
    // Behind a TLS proxy on the same machine, the client's address is in X-Forwarded-For;
    // the header is believed from loopback only, so a remote client cannot forge it.
    trustProxy: 'loopback',
  }).withTypeProvider<TypeBoxTypeProvider>();

  await app.register(deps, { deps: apiDeps });
  await app.register(validation);
  await app.register(errors);
  await app.register(security);
  await app.register(swagger);
  await app.register(authentication);

  const routes = [
    health,
    login,
    me,
    admins,
    audit,
    files,
    users,
    broadcasts,
    stats,
    settings,
    healthChecks,
    metrics,
  ];
  for (const plugin of routes) await app.register(plugin);
  return app;
}
