import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type ApiDeps, type ApiInstance, createApi } from '../../src/api/app.js';
import { hashPassword } from '../../src/api/passwords.js';
import { type Role, roles } from '../../src/api/permissions.js';
import { type Config, loadConfig } from '../../src/config.js';
import { insertAccount } from '../../src/db/admins.js';
import { type Db, openDatabase } from '../../src/db/database.js';
import { searchFiles } from '../../src/library/search.js';
import { makeThumbnail } from '../../src/library/thumbnail.js';
import { ThumbnailStore } from '../../src/library/thumbnail-store.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/ops/metrics.js';

/** The password of every account the helper creates (`<role>` is the username). */
export const PASSWORD = 'correct horse battery staple';
export const JWT_SECRET = 'test-secret-test-secret-test-secret-0123456789';

export interface TestApi {
  app: ApiInstance;
  db: Db;
  config: Config;
  /** Every line the API logged, as written (JSON). */
  logs: string[];
  /** A token of the account named after the role (one per role, created by the helper). */
  tokenFor(role: Role): Promise<string>;
  /** The id of the account named after the role. */
  accountId(role: Role): number;
  close(): Promise<void>;
}

export interface TestApiOptions {
  /** Extra environment variables (strings, as in .env). */
  env?: Record<string, string>;
  /** Defaults to thumbnails made in this thread, with no worker pool. */
  pool?: ApiDeps['pool'];
  /** Defaults to searchFiles in this thread. */
  search?: ApiDeps['search'];
  /** Runs before the app is ready, e.g. to add a route a test needs. */
  beforeReady?: (app: ApiInstance) => void;
}

/**
 * The API in-process on a fresh database in a temporary DATA_DIR, for `app.inject` (no
 * port), with one account per role whose username is the role.
 */
export async function buildApi(options: TestApiOptions = {}): Promise<TestApi> {
  const dataDir = await mkdtemp(join(tmpdir(), 'api-test-'));
  const config = loadConfig({
    BOT_TOKEN: '123456:TEST-token',
    DATA_DIR: dataDir,
    JWT_SECRET,
    ...options.env,
  });
  const db = await openDatabase(join(dataDir, 'primelingo.sqlite'));
  const logs: string[] = [];
  const logger = createLogger({
    level: 'info',
    secrets: [],
    destination: new Writable({
      write(chunk, _encoding, done) {
        logs.push(String(chunk));
        done();
      },
    }),
  });
  const ids = new Map<Role, number>();
  const passwordHash = await hashPassword(PASSWORD);
  for (const role of roles) {
    const account = await insertAccount(db, { username: role, password_hash: passwordHash, role });
    if (account) ids.set(role, account.id);
  }
  const app = await createApi({
    config,
    db,
    logger,
    metrics: createMetrics(),
    jwtSecret: JWT_SECRET,
    pool: options.pool ?? { makeThumbnail: (input) => makeThumbnail(input) },
    // In this thread: the search threads are tested on their own (search-pool.test.ts).
    search: options.search ?? ((query, searchOptions) => searchFiles(db, query, searchOptions)),
    thumbnails: new ThumbnailStore(db, join(dataDir, 'thumbnails')),
  });
  options.beforeReady?.(app);
  await app.ready();

  const accountId = (role: Role) => {
    const id = ids.get(role);
    if (id === undefined) throw new Error(`no ${role} account`);
    return id;
  };
  return {
    app,
    db,
    config,
    logs,
    accountId,
    async tokenFor(role) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: role, password: PASSWORD },
      });
      if (response.statusCode !== 200) {
        throw new Error(`login as ${role}: ${response.statusCode} ${response.body}`);
      }
      return response.json<{ token: string }>().token;
    },
    async close() {
      await app.close();
      await db.destroy();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
