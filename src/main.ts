import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { join } from 'node:path';
import { run } from '@grammyjs/runner';
import { Api } from 'grammy';
import { createBroadcastStatus } from './bot/broadcast-status.js';
import { setCommands } from './bot/commands.js';
import { deleteMessageQuietly } from './bot/delete-message.js';
import { createBot } from './bot/index.js';
import { createJobNotifier } from './bot/job-notices.js';
import { BroadcastActor } from './broadcast/actor.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { pruneHealth } from './db/health.js';
import { AutoDelete } from './library/auto-delete.js';
import { JobQueue } from './library/jobs.js';
import { createPool } from './library/pool.js';
import { processFile } from './library/processing.js';
import { ThumbnailStore } from './library/thumbnail-store.js';
import { createLogger, createScrubber, type Logger } from './logger.js';

const SHUTDOWN_DEADLINE_MS = 10_000;
const HEALTH_RETENTION_MS = 30 * 24 * 3600_000;

async function main(): Promise<void> {
  const config = readConfig();
  if (config.bot.mode === 'webhook') {
    // Webhooks are served by the admin HTTP API, which arrives in a later release.
    process.stderr.write(
      'Configuration error: BOT_MODE=webhook is not supported yet; use polling\n',
    );
    process.exit(1);
  }
  const known = [config.botToken, config.api.adminPassword, config.api.jwtSecret].filter(
    (secret): secret is string => Boolean(secret),
  );
  const logger = createLogger({ level: config.logLevel, file: config.logFile, secrets: known });
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );

  // Until polling starts, a signal has nothing to drain: stop at once, cleanly.
  const early = (signal: NodeJS.Signals) => exit(logger, `${signal} during start-up`, 0);
  process.once('SIGINT', early).once('SIGTERM', early);

  const db = await openDatabase(join(config.dataDir, 'primelingo.sqlite'));
  await pruneHealth(db, HEALTH_RETENTION_MS);
  // Whatever a crash left half-downloaded goes; jobs start from scratch anyway.
  const tempDir = join(config.dataDir, 'tmp');
  await rm(tempDir, { recursive: true, force: true });
  await mkdir(tempDir, { recursive: true });
  const pool = createPool({
    onError: (error) => logger.error({ err: error }, 'worker pool error'),
  });
  const thumbnails = new ThumbnailStore(db, join(config.dataDir, 'thumbnails'));
  const jobs = new JobQueue({
    db,
    logger,
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
        },
        {
          fileId: file.file_id,
          kind: file.type,
          title: file.title,
          fileName: file.file_name,
          mimeType: file.mime_type,
          size: file.size,
        },
        options,
      ),
    notify: (chatId, notice) => notifyJob(chatId, notice),
  });
  const paid = config.broadcastPaid.enabled;
  const broadcasts = new BroadcastActor({
    db,
    // Its own client: no auto-retry (the actor pauses its limiter on a 429), and handlers'
    // calls never queue behind a broadcast.
    api: new Api(config.botToken, {
      apiRoot: config.apiRoot,
      timeoutSeconds: 30,
      // Reused connections: a new one per message would cap a paid broadcast's rate.
      baseFetchConfig: { agent: keepAliveAgent(config.apiRoot), compress: true },
    }),
    logger,
    rate: paid ? config.broadcastPaid.rate : config.broadcastRate,
    paid,
    report: (progress) => reportBroadcast(progress),
  });
  const { bot, inFlight, i18n } = createBot({
    config,
    db,
    logger,
    scrub: createScrubber(known),
    sessionsDir: join(config.dataDir, 'sessions'),
    processing: jobs,
    broadcasts,
    pool,
    thumbnails,
  });
  const notifyJob = createJobNotifier(bot.api, i18n, db, config.defaultLanguage);
  const reportBroadcast = createBroadcastStatus(bot.api, i18n, db, config.defaultLanguage);
  await bot.init();

  const runner = run(bot, {
    runner: {
      fetch: {
        allowed_updates: [
          'message',
          'callback_query',
          'inline_query',
          'my_chat_member',
          'chat_join_request',
        ],
      },
      // Its own console logging would print node-fetch errors, which carry the token.
      silent: true,
    },
    sink: { concurrency: 100 },
  });
  await jobs.start();
  broadcasts.start();
  // Deletes sent files once AUTO_DELETE_MINUTES pass; rows that fell due while down go first.
  const autoDelete = new AutoDelete({
    db,
    logger,
    deleteMessage: (chatId, messageId) => deleteMessageQuietly(bot.api, chatId, messageId),
  });
  autoDelete.start();
  logger.info({ username: bot.botInfo.username, api_root: config.apiRoot }, 'bot started');
  const menuFailed = (error: unknown) =>
    logger.warn({ err: error }, 'could not publish the command menu');
  setCommands(bot.api, i18n, config.defaultLanguage, config.adminIds, menuFailed).catch(menuFailed);

  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    setTimeout(
      () => exit(logger, 'shutdown took too long: forcing exit', 1),
      SHUTDOWN_DEADLINE_MS,
    ).unref();
    if (runner.isRunning()) await runner.stop();
    // Running jobs are cancelled first (they run again after the restart), so a download
    // waiting for one is answered with the original instead of holding shutdown up.
    await Promise.all([jobs.stop(), broadcasts.stop()]);
    await autoDelete.stop();
    await inFlight.drain();
    // The runner confirms an offset only with its next getUpdates: confirm the last batch
    // now, or Telegram would deliver it again after the restart.
    if (inFlight.lastUpdateId !== undefined) {
      await bot.api
        .getUpdates({ offset: inFlight.lastUpdateId + 1, limit: 1, timeout: 0 })
        .catch((error: unknown) =>
          logger.warn({ err: error }, 'could not confirm the last updates'),
        );
    }
    await pool.close();
    await db.destroy();
    exit(logger, 'stopped', code);
  };
  process.off('SIGINT', early).off('SIGTERM', early);
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
  runner.task()?.catch((error: unknown) => {
    logger.fatal({ err: error }, 'polling failed for good');
    void shutdown('polling failed', 1);
  });
}

function keepAliveAgent(apiRoot: string): HttpAgent {
  const Agent = apiRoot.startsWith('https:') ? HttpsAgent : HttpAgent;
  return new Agent({ keepAlive: true });
}

function exit(logger: Logger, message: string, code: number): never {
  logger[code === 0 ? 'info' : 'error'](message);
  process.exit(code);
}

function readConfig(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  // Start-up failed before the logger existed or outside it; keep the token out of the line.
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Start-up failed: ${createScrubber([process.env.BOT_TOKEN ?? ''])(text)}\n`);
  process.exit(1);
});
