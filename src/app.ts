import { readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Api } from 'grammy';
import type { ApiInstance } from './api/app.js';
import { resolveJwtSecret } from './api/secret.js';
import { botApiRetry, cancelOn, configureApi, countApiCalls, keepAliveAgent } from './bot/api.js';
import { createBroadcastStatus } from './bot/broadcast-status.js';
import { setCommands } from './bot/commands.js';
import { deleteMessageQuietly } from './bot/delete-message.js';
import { createI18n } from './bot/i18n.js';
import { createBot } from './bot/index.js';
import { createJobNotifier } from './bot/job-notices.js';
import { type MessageLimits, Outbox } from './bot/outbox.js';
import { createPolling } from './bot/updates/polling.js';
import type { UpdateSource } from './bot/updates/source.js';
import { createWebhook } from './bot/updates/webhook.js';
import { BroadcastActor } from './broadcast/actor.js';
import { type Config, databaseFile } from './config.js';
import { backupDatabase, backupName, pruneBackups } from './db/backup.js';
import { type Db, openDatabase } from './db/database.js';
import { AutoDelete } from './library/auto-delete.js';
import { JobQueue } from './library/jobs.js';
import { Maintenance } from './library/maintenance.js';
import { createPool, type ProcessingPool } from './library/pool.js';
import { processFile } from './library/processing.js';
import { type Search, SearchPool } from './library/search-pool.js';
import { ThumbnailStore } from './library/thumbnail-store.js';
import { createLogger, type DestinationStream, type Logger } from './logger.js';
import { Alerts } from './ops/alerts.js';
import { readinessWindows, writeHeartbeat } from './ops/heartbeat.js';
import { createMetrics, type Metrics } from './ops/metrics.js';
import { type MetricsServer, serveMetrics } from './ops/metrics-server.js';
import { Periodic } from './ops/periodic.js';
import { createScrubber } from './scrub.js';
import { environmentSettings, LiveSettings } from './settings.js';

const VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

/** Everything one process runs, built from the config; main.ts starts and stops it. */
export interface App {
  readonly logger: Logger;
  start(): Promise<void>;
  /** Stops every part and closes what they share, in order; safe to call once started. */
  stop(): Promise<void>;
}

export interface AppOptions {
  /** The message limits the bot keeps to: Telegram's, unless a test server has others. */
  messageLimits?: MessageLimits;
  /** A part failed for good (polling ended): the caller should stop and exit non-zero. */
  onFatal?: (error: unknown) => void;
  /** Where log lines go instead of standard output (tests read them; ignored with LOG_FILE). */
  logDestination?: DestinationStream;
}

/** A piece of the process with its own life: the bot, or the admin API. */
interface Part {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What the parts share: one database, the worker pools. */
interface Shared {
  config: Config;
  db: Db;
  logger: Logger;
  /** The process's one metrics registry. */
  metrics: Metrics;
  scrub: (text: string) => string;
  pool: ProcessingPool;
  /** Searches, run by the search threads. */
  search: Search;
  thumbnails: ThumbnailStore;
  onFatal: (error: unknown) => void;
  messageLimits: MessageLimits | undefined;
}

/** The composition root: builds every part the config's role asks for; nothing starts yet. */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const jwtSecret = config.role === 'bot' ? undefined : resolveJwtSecret(config);
  const secrets = [
    config.botToken,
    config.api.adminPassword,
    jwtSecret,
    config.metrics.token,
  ].filter((secret): secret is string => Boolean(secret));
  const logger = createLogger({
    level: config.logLevel,
    file: config.logFile,
    secrets,
    destination: options.logDestination,
  });
  const db = await openDatabase(databaseFile(config));
  const pool = createPool({
    onError: (error) => logger.error({ err: error }, 'worker pool error'),
  });
  const searches = new SearchPool({
    file: databaseFile(config),
    onError: (error) => logger.error({ err: error }, 'search thread error'),
  });
  const shared: Shared = {
    config,
    db,
    logger,
    metrics: createMetrics(pool),
    scrub: createScrubber(secrets),
    pool,
    search: searches.search,
    thumbnails: new ThumbnailStore(db, join(config.dataDir, 'thumbnails')),
    onFatal: options.onFatal ?? (() => undefined),
    messageLimits: options.messageLimits,
  };
  // The API starts first: once the bot polls, nothing heavy loads on its thread any more.
  const parts: Part[] = [];
  if (jwtSecret) parts.push(await createApiPart(shared, jwtSecret));
  if (config.role !== 'api') parts.push(createBotPart(shared));
  // Without the API, a listener of its own, when METRICS_PORT asks for one.
  if (config.role === 'bot' && config.metrics.port !== undefined) {
    parts.unshift(createMetricsPart(shared, config.metrics.port));
  }

  return {
    logger,
    async start() {
      for (const part of parts) await part.start();
    },
    async stop() {
      for (const part of [...parts].reverse()) await part.stop();
      await Promise.all([pool.close(), searches.close()]);
      await db.destroy();
    },
  };
}

/**
 * The bot: its updates (long polling or the webhook) through the runner's concurrent sink, the
 * processing jobs, the broadcast actor and the auto-deletions. Its stop stops taking updates,
 * stops the background work, drains the handlers and confirms what they handled, so nothing
 * acknowledged is lost or handled twice.
 */
function createBotPart(shared: Shared): Part {
  const { config, db, logger, metrics, pool, thumbnails } = shared;
  // The settings in force, re-read from the database: the API may change them any time.
  const settings = new LiveSettings(db, environmentSettings(config), logger);
  const tempDir = join(config.dataDir, 'tmp');
  const i18n = createI18n(config.defaultLanguage);
  // Job notices and broadcast reports: a client of their own, with the bot's retries.
  const notices = new Api(config.botToken, {
    apiRoot: config.apiRoot,
    baseFetchConfig: { agent: keepAliveAgent(config.apiRoot) },
  });
  // Every client's messages take turns within Telegram's limits, people's answers first.
  const outbox = new Outbox(shared.messageLimits);
  countApiCalls(notices, metrics.apiCalls);
  configureApi(notices, logger, botApiRetry(config.apiTimeoutMs), outbox.pace('replies'));
  const alerts = new Alerts({
    db,
    api: notices,
    i18n,
    logger,
    config,
    // Read once the bot runs: the update source is built with the bot, further down.
    telegramAt: () => updates.contactAt,
  });
  // Aborted halfway through a shutdown: calls Telegram has not answered by then are given up.
  const giveUp = new AbortController();
  const sessionsDir = join(config.dataDir, 'sessions');
  const jobs = new JobQueue({
    db,
    logger,
    metrics,
    concurrency: pool.piscina.options.maxThreads,
    process: async (file, options) =>
      processFile(
        {
          pool,
          apiRoot: config.apiRoot,
          token: config.botToken,
          localBotApi: config.localBotApi,
          chatId: config.storageChatId ?? file.added_by ?? config.adminIds[0] ?? 0,
          thumbnailPath: await thumbnails.path(),
          tempDir,
          titleSuffix: settings.current.titleSuffix,
          fileTimeoutMs: config.fileTimeoutMs,
        },
        file,
        options,
      ),
    notify: createJobNotifier(notices, i18n, db, config.defaultLanguage),
    onFailed: (file, error) => alerts.jobFailed(file, error),
  });
  const paid = config.broadcastPaid.enabled;
  // Its own client: no auto-retry (the actor pauses its limiter on a 429), and in the outbox
  // handlers' calls never queue behind a broadcast.
  const broadcastApi = new Api(config.botToken, {
    apiRoot: config.apiRoot,
    timeoutSeconds: config.apiTimeoutMs / 1000,
    // Reused connections: a new one per message would cap a paid broadcast's rate.
    baseFetchConfig: { agent: keepAliveAgent(config.apiRoot), compress: true },
  });
  countApiCalls(broadcastApi, metrics.apiCalls);
  outbox.install(broadcastApi, 'broadcast');
  const broadcastStatus = createBroadcastStatus(notices, i18n, db, config.defaultLanguage);
  const broadcasts = new BroadcastActor({
    db,
    api: broadcastApi,
    logger,
    metrics,
    rate: paid ? config.broadcastPaid.rate : config.broadcastRate,
    paid,
    report: async (progress) => {
      alerts.broadcastProgress(progress);
      await broadcastStatus(progress);
    },
  });
  const { bot, inFlight } = createBot({
    config,
    db,
    logger,
    metrics,
    scrub: shared.scrub,
    sessionsDir,
    search: shared.search,
    processing: jobs,
    settings,
    broadcasts,
    pool,
    thumbnails,
    i18n,
    outbox,
  });
  for (const api of [bot.api, notices, broadcastApi]) cancelOn(api, giveUp.signal);
  // Deletes sent files once AUTO_DELETE_MINUTES pass; rows that fell due while down go first.
  const autoDelete = new AutoDelete({
    db,
    logger,
    deleteMessage: (chatId, messageId) => deleteMessageQuietly(bot.api, chatId, messageId),
  });
  // Keeps every growing table and folder within its retention (README, Settings).
  const maintenance = new Maintenance({ db, logger, retention: config.retention, sessionsDir });
  const { backup } = config;
  const backups =
    backup.dir && backup.everyMs > 0
      ? new Periodic('backup', backup.everyMs, () => takeBackup(shared, backup.dir ?? ''), logger)
      : undefined;
  const updates: UpdateSource =
    config.bot.mode === 'webhook'
      ? createWebhook(bot, { config: config.bot, logger, checkEveryMs: config.heartbeatMs })
      : createPolling(bot, {
          logger,
          inFlight,
          contactWindowMs: readinessWindows(config.heartbeatMs).telegramMs,
          onFatal: shared.onFatal,
        });
  const startedAt = Date.now();
  const heartbeat = new Periodic(
    'heartbeat',
    config.heartbeatMs,
    async () => {
      const pooled = pool.status();
      const running = await db
        .selectFrom('broadcasts')
        .select('id')
        .where('status', '=', 'running')
        .executeTakeFirst();
      await writeHeartbeat(db, {
        telegram_at: updates.contactAt,
        pool_accepting: pooled.accepting ? 1 : 0,
        pool_busy: pooled.busy,
        pool_queued: pooled.queued,
        broadcast_id: running?.id ?? null,
        version: VERSION,
        started_at: startedAt,
        updated_at: Date.now(),
      });
    },
    logger,
  );

  return {
    async start() {
      await settings.start();
      heartbeat.start();
      alerts.start();
      backups?.start();
      // Whatever a crash left half-downloaded goes; jobs start from scratch anyway.
      await rm(tempDir, { recursive: true, force: true });
      await mkdir(tempDir, { recursive: true });
      await bot.init();
      await updates.start();
      await jobs.start();
      broadcasts.start();
      autoDelete.start();
      maintenance.start();
      logger.info({ username: bot.botInfo.username, api_root: config.apiRoot }, 'bot started');
      const menuFailed = (error: unknown) =>
        logger.warn({ err: error }, 'could not publish the command menu');
      setCommands(bot.api, i18n, config.defaultLanguage, config.adminIds, menuFailed).catch(
        menuFailed,
      );
    },
    async stop() {
      // Within SHUTDOWN_TIMEOUT_SECONDS even if Telegram stalls: handlers and background work
      // get half of it to finish their calls, then the calls are given up; the confirmation
      // below gets most of the rest.
      const deadline = Date.now() + config.shutdownTimeoutMs;
      const halfway = setTimeout(() => giveUp.abort(), config.shutdownTimeoutMs / 2);
      await updates.stop();
      // Running jobs are cancelled first (they run again after the restart), so a download
      // waiting for one is answered with the original instead of holding shutdown up.
      await Promise.all([jobs.stop(), broadcasts.stop()]);
      await Promise.all([
        autoDelete.stop(),
        maintenance.stop(),
        backups?.stop(),
        heartbeat.stop(),
        alerts.stop(),
      ]);
      await inFlight.drain();
      clearTimeout(halfway);
      await updates.close(Math.floor(Math.max(100, (deadline - Date.now()) / 2)));
      await settings.stop();
    },
  };
}

/** The admin HTTP API, listening on API_HOST:API_PORT. */
async function createApiPart(shared: Shared, jwtSecret: string): Promise<Part> {
  const { config, db, logger, metrics, pool, search, thumbnails } = shared;
  // Loaded only here: a bot-only process (APP_ROLE=bot) never loads Fastify and its plugins.
  const { createApi } = await import('./api/app.js');
  let api: ApiInstance | undefined;
  return {
    async start() {
      api = await createApi({ config, db, logger, metrics, jwtSecret, pool, search, thumbnails });
      const url = await api.listen({ host: config.api.host, port: config.api.port });
      logger.info({ url }, 'admin API listening');
    },
    async stop() {
      await api?.close();
    },
  };
}

/**
 * The bot-only process's metrics on METRICS_HOST:METRICS_PORT (a node:http listener: the
 * process never loads Fastify). Never the webhook's public listener.
 */
function createMetricsPart({ config, logger, metrics }: Shared, port: number): Part {
  let server: MetricsServer | undefined;
  return {
    async start() {
      server = await serveMetrics(metrics, { ...config.metrics, port });
      logger.info({ url: server.url }, 'metrics listening');
    },
    async stop() {
      await server?.close();
    },
  };
}

/** One of the bot's own backups (BACKUP_EVERY_HOURS): a new file, then the oldest go. */
async function takeBackup({ config, logger }: Shared, dir: string): Promise<void> {
  const file = join(dir, backupName());
  await backupDatabase(databaseFile(config), file);
  const removed = await pruneBackups(dir, config.backup.keep);
  logger.info({ file, removed }, 'backup taken');
}
