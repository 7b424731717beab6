import type { I18n } from '@grammyjs/i18n';
import { sequentialize } from '@grammyjs/runner';
import { Bot, type Composer, session } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Processing } from '../library/jobs.js';
import type { ProcessingPool } from '../library/pool.js';
import type { Search } from '../library/search-pool.js';
import type { ThumbnailStore } from '../library/thumbnail-store.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { LiveSettings } from '../settings.js';
import { botApiRetry, configureApi, countApiCalls, keepAliveAgent } from './api.js';
import type { Context, SessionData } from './context.js';
import { broadcastFeature } from './features/broadcast.js';
import { fileCardFeature } from './features/file-card.js';
import { forceSubscribeFeature } from './features/force-subscribe.js';
import { helpFeature } from './features/help.js';
import { inlineFeature } from './features/inline.js';
import { languageFeature } from './features/language.js';
import { memberStatusFeature } from './features/member-status.js';
import { searchFeature } from './features/search.js';
import { setThumbnailFeature } from './features/set-thumbnail.js';
import { startFeature } from './features/start.js';
import { statsFeature } from './features/stats.js';
import { unhandledFeature } from './features/unhandled.js';
import { uploadFeature } from './features/upload.js';
import { errorHandler } from './handlers/error.js';
import { attachContext } from './middlewares/context.js';
import { DEFAULT_FLOOD, type FloodOptions, floodLimit } from './middlewares/flood.js';
import { InFlight } from './middlewares/in-flight.js';
import { updateMetrics } from './middlewares/metrics.js';
import { sessionBeforeReplies } from './middlewares/session-first.js';
import { userMiddleware } from './middlewares/user.js';
import { wellFormed } from './middlewares/well-formed.js';
import type { Outbox } from './outbox.js';
import { answerQueriesQuietly } from './query-answers.js';
import { AtomicFileAdapter } from './session-storage.js';
import { Subscriptions } from './subscriptions.js';

export interface BotDeps {
  config: Config;
  db: Db;
  logger: Logger;
  metrics: Metrics;
  /** Removes secrets from text that leaves the process (health rows). */
  scrub: (text: string) => string;
  sessionsDir: string;
  processing: Processing;
  /** The library search (the search threads). */
  search: Search;
  /** The settings in force, re-read from the database while the bot runs. */
  settings: LiveSettings;
  pool: Pick<ProcessingPool, 'fetchThumbnail'>;
  thumbnails: ThumbnailStore;
  /** The locales (createI18n), shared with the job notices and broadcast reports. */
  i18n: I18n<Context>;
  /** The broadcast actor, told when a broadcast is confirmed. */
  broadcasts: { kick(): void };
  /** Paces the bot's messages within Telegram's limits, shared with the app's other clients. */
  outbox: Outbox;
  /** Skips getMe at start-up (tests). */
  botInfo?: UserFromGetMe;
  flood?: FloodOptions;
}

export interface PrimeLingoBot {
  bot: Bot<Context>;
  inFlight: InFlight;
}

/** Builds the bot with its plugins, middlewares and features; it does not start polling. */
export function createBot(deps: BotDeps): PrimeLingoBot {
  const { config, logger } = deps;
  const bot = new Bot<Context>(config.botToken, {
    botInfo: deps.botInfo,
    // Every call's timeout is configureApi's; grammY's own (500 s) is only a backstop.
    client: { apiRoot: config.apiRoot, baseFetchConfig: { agent: keepAliveAgent(config.apiRoot) } },
  });
  countApiCalls(bot.api, deps.metrics.apiCalls);
  configureApi(bot.api, logger, botApiRetry(config.apiTimeoutMs), deps.outbox.pace('replies'));
  bot.api.config.use(answerQueriesQuietly(logger));

  const { i18n } = deps;
  const inFlight = new InFlight();
  const subscriptions = new Subscriptions(
    bot.api,
    deps.db,
    () => deps.settings.current.forceSubChannels,
    logger,
  );

  const measured = updateMetrics(deps.metrics);

  bot.use(inFlight.middleware);
  bot.use(attachContext(deps));
  bot.use(measured.middleware);
  bot.use(wellFormed);
  const protectedBot = bot.errorBoundary(errorHandler(i18n, deps.scrub));
  protectedBot.use(userMiddleware);
  protectedBot.use(i18n);
  protectedBot.use(floodLimit(deps.flood ?? DEFAULT_FLOOD));
  protectedBot.use(sequentialize((ctx) => (ctx.chat ?? ctx.from)?.id.toString()));
  const sessions = new AtomicFileAdapter<SessionData>(deps.sessionsDir, logger);
  protectedBot.use(session({ initial: (): SessionData => ({}), storage: sessions }));
  protectedBot.use(sessionBeforeReplies(sessions));
  // In order; each named for the metrics of the updates it handles.
  const features: [string, Composer<Context>][] = [
    ['member-status', memberStatusFeature],
    ['force-subscribe', forceSubscribeFeature(subscriptions)],
    ['start', startFeature],
    ['upload', uploadFeature],
    ['set-thumbnail', setThumbnailFeature(deps.pool, deps.thumbnails)],
    ['help', helpFeature],
    ['language', languageFeature(i18n)],
    ['file-card', fileCardFeature],
    ['inline', inlineFeature(deps.search)],
    ['stats', statsFeature],
    ['broadcast', broadcastFeature(() => deps.broadcasts.kick())],
    // Last before the catch-all: plain text is a search only when no command or dialog took it.
    ['search', searchFeature(deps.search)],
    ['unhandled', unhandledFeature],
  ];
  for (const [name, feature] of features) protectedBot.use(measured.feature(name, feature));

  bot.catch(({ ctx, error }) => {
    ctx.logger.error({ err: error }, 'error outside the error boundary');
  });
  return { bot, inFlight };
}
