import type { I18n } from '@grammyjs/i18n';
import { sequentialize } from '@grammyjs/runner';
import { Bot, session } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { Processing } from '../library/jobs.js';
import type { ProcessingPool } from '../library/pool.js';
import type { ThumbnailStore } from '../library/thumbnail-store.js';
import type { Logger } from '../logger.js';
import type { LiveSettings } from '../settings.js';
import { BOT_API_RETRY, configureApi, keepAliveAgent } from './api.js';
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
import { sessionBeforeReplies } from './middlewares/session-first.js';
import { userMiddleware } from './middlewares/user.js';
import { wellFormed } from './middlewares/well-formed.js';
import { answerQueriesQuietly } from './query-answers.js';
import { AtomicFileAdapter } from './session-storage.js';
import { Subscriptions } from './subscriptions.js';

export interface BotDeps {
  config: Config;
  db: Db;
  logger: Logger;
  /** Removes secrets from text that leaves the process (health rows). */
  scrub: (text: string) => string;
  sessionsDir: string;
  processing: Processing;
  /** The settings in force, re-read from the database while the bot runs. */
  settings: LiveSettings;
  pool: Pick<ProcessingPool, 'fetchThumbnail'>;
  thumbnails: ThumbnailStore;
  /** The locales (createI18n), shared with the job notices and broadcast reports. */
  i18n: I18n<Context>;
  /** The broadcast actor, told when a broadcast is confirmed. */
  broadcasts: { kick(): void };
  /** Skips getMe at start-up (tests). */
  botInfo?: UserFromGetMe;
  flood?: FloodOptions;
}

export interface PrimeLingoBot {
  bot: Bot<Context>;
  inFlight: InFlight;
}

/** The client's outer limit, above long polling's 30 s; other calls have 15 s (api.ts). */
const API_TIMEOUT_SECONDS = 60;

/** Builds the bot with its plugins, middlewares and features; it does not start polling. */
export function createBot(deps: BotDeps): PrimeLingoBot {
  const { config, logger } = deps;
  const bot = new Bot<Context>(config.botToken, {
    botInfo: deps.botInfo,
    client: {
      apiRoot: config.apiRoot,
      timeoutSeconds: API_TIMEOUT_SECONDS,
      baseFetchConfig: { agent: keepAliveAgent(config.apiRoot) },
    },
  });
  configureApi(bot.api, logger, BOT_API_RETRY);
  bot.api.config.use(answerQueriesQuietly(logger));

  const { i18n } = deps;
  const inFlight = new InFlight();
  const subscriptions = new Subscriptions(
    bot.api,
    deps.db,
    () => deps.settings.current.forceSubChannels,
    logger,
  );

  bot.use(inFlight.middleware);
  bot.use(attachContext(deps));
  bot.use(wellFormed);
  const protectedBot = bot.errorBoundary(errorHandler(i18n, deps.scrub));
  protectedBot.use(userMiddleware);
  protectedBot.use(i18n);
  protectedBot.use(floodLimit(deps.flood ?? DEFAULT_FLOOD));
  protectedBot.use(sequentialize((ctx) => (ctx.chat ?? ctx.from)?.id.toString()));
  const sessions = new AtomicFileAdapter<SessionData>(deps.sessionsDir, logger);
  protectedBot.use(session({ initial: (): SessionData => ({}), storage: sessions }));
  protectedBot.use(sessionBeforeReplies(sessions));
  protectedBot.use(memberStatusFeature);
  protectedBot.use(forceSubscribeFeature(subscriptions));
  protectedBot.use(startFeature);
  protectedBot.use(uploadFeature);
  protectedBot.use(setThumbnailFeature(deps.pool, deps.thumbnails));
  protectedBot.use(helpFeature);
  protectedBot.use(languageFeature(i18n));
  protectedBot.use(fileCardFeature);
  protectedBot.use(inlineFeature);
  protectedBot.use(statsFeature);
  protectedBot.use(broadcastFeature(() => deps.broadcasts.kick()));
  // Last before the catch-all: plain text is a search only when no command or dialog took it.
  protectedBot.use(searchFeature);
  protectedBot.use(unhandledFeature);

  bot.catch(({ ctx, error }) => {
    ctx.logger.error({ err: error }, 'error outside the error boundary');
  });
  return { bot, inFlight };
}
