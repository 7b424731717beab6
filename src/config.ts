import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { DAY_MS, HOUR_MS } from './time.js';

const csv = (item: z.ZodType<string | number>) =>
  z
    .string()
    .default('')
    .transform((value, ctx) => {
      const parts = value
        .split(',')
        .map((part) => part.trim())
        .filter(Boolean);
      const parsed = parts.map((part) => item.safeParse(part));
      const bad = parsed.findIndex((result) => !result.success);
      if (bad >= 0) {
        const reason = parsed[bad]?.error?.issues[0]?.message ?? 'is not valid';
        ctx.addIssue({ code: 'custom', message: `entry "${parts[bad]}" ${reason}` });
        return z.NEVER;
      }
      return parsed.map((result) => result.data as string | number);
    });

const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .default('false')
  .transform((value) => value === 'true' || value === '1' || value === 'yes');

/** A retention period: a whole number of days or hours, at least 1. */
const period = (unit: 'days' | 'hours', fallback: number) =>
  z.coerce
    .number({ message: `must be a whole number of ${unit}` })
    // Not .int(): its issue carries no input, which would read as "is required".
    .refine(Number.isInteger, `must be a whole number of ${unit}`)
    .min(1, `must be at least 1 (${unit})`)
    .default(fallback);

/** A TCP port; 0 picks a free one (tests, METRICS_PORT=0). */
const port = z.coerce
  .number({ message: 'must be a port number' })
  .int('must be a port number')
  .min(0, 'must be a port number')
  .max(65535, 'must be a port number');

const userId = z
  .string()
  .regex(/^\d{1,15}$/, 'must be a numeric Telegram user id')
  .transform(Number);
const chatRef = z
  .string()
  .regex(/^(-?\d{1,20}|@[A-Za-z][A-Za-z0-9_]{3,31})$/, 'must be a chat id or an @username')
  .transform((value) => (value.startsWith('@') ? value : Number(value)));

// The rules of the settings an admin can also change while the bot runs (src/settings.ts):
// one definition, so the API validates a change exactly as start-up validates the variable.
const MAX_FORCE_SUB_CHANNELS = 10;
const autoDeleteMinutes = z
  .number({ message: 'must be a whole number of minutes' })
  .int('must be a whole number of minutes')
  .min(0, 'must be 0 (off) or more')
  // Bots cannot delete messages older than 48 hours.
  .max(48 * 60, 'must be at most 2880 (Telegram lets bots delete messages for 48 hours)');
// A file's processed name is the title plus this suffix, and Telegram keeps 64 characters.
const titleSuffix = z.string().max(32, 'must be at most 32 characters');

/** The validation of a change to the runtime settings, field by field (JSON values). */
export const runtimeSettingsSchema = z
  .object({
    forceSubChannels: z
      .array(z.union([z.string(), z.number().int()]).pipe(z.coerce.string()).pipe(chatRef))
      .max(MAX_FORCE_SUB_CHANNELS, `must list at most ${MAX_FORCE_SUB_CHANNELS} channels`),
    protectContent: z.boolean({ message: 'must be true or false' }),
    autoDeleteMinutes,
    titleSuffix,
  })
  .strict();

const schema = z
  .object({
    BOT_TOKEN: z
      .string({ message: 'is required' })
      .regex(/^\d+:[A-Za-z0-9_-]+$/, 'must look like 123456:ABC-DEF (the token from @BotFather)'),
    TELEGRAM_API_ROOT: z
      .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
      .default('https://api.telegram.org')
      .refine((value) => !value.endsWith('/'), 'must not end with a slash'),
    LOCAL_BOT_API: boolean,
    ADMIN_IDS: csv(userId),
    DATA_DIR: z.string().min(1).default('./data'),
    FORCE_SUB_CHANNELS: csv(chatRef).refine(
      (refs) => refs.length <= MAX_FORCE_SUB_CHANNELS,
      `must list at most ${MAX_FORCE_SUB_CHANNELS} channels`,
    ),
    STORAGE_CHAT_ID: z
      .string()
      .regex(/^-?\d{1,20}$/, 'must be a numeric chat id')
      .transform(Number)
      .optional(),
    TITLE_SUFFIX: titleSuffix.default(' - PrimeLingoBot'),
    DEFAULT_LANGUAGE: z.enum(['uz', 'ru', 'en'], { message: 'must be uz, ru or en' }).default('uz'),
    BOT_MODE: z
      .enum(['polling', 'webhook'], { message: 'must be polling or webhook' })
      .default('polling'),
    // http only with LOCAL_BOT_API: the superRefine below asks https of Telegram's own servers.
    WEBHOOK_URL: z.url({ protocol: /^https?$/, message: 'must be an https URL' }).optional(),
    WEBHOOK_SECRET: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1-256 characters of A-Z, a-z, 0-9, _ and -')
      .optional(),
    WEBHOOK_HOST: z.string().min(1).default('127.0.0.1'),
    WEBHOOK_PORT: port.default(3001),
    API_HOST: z.string().min(1).default('127.0.0.1'),
    API_PORT: port.default(3000),
    API_TOKEN_TTL: z.coerce
      .number({ message: 'must be a number of seconds' })
      .int('must be a whole number of seconds')
      .min(60, 'must be at least 60 seconds')
      .max(30 * 24 * 3600, 'must be at most 2592000 (30 days)')
      .default(3600),
    API_CORS_ORIGINS: csv(
      z.string().regex(/^https?:\/\/[^/\s]+$/, 'must be an origin like https://admin.example.com'),
    ),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    // The rules of logins (src/api/schemas/accounts.ts): an account made from these can log in.
    ADMIN_USERNAME: z
      .string()
      .regex(/^[A-Za-z0-9_.@-]{1,64}$/, 'must be 1-64 characters of A-Z, a-z, 0-9, _ . @ -')
      .optional(),
    ADMIN_PASSWORD: z
      .string()
      .min(8, 'must be at least 8 characters')
      .max(256, 'must be at most 256 characters')
      .optional(),
    PROTECT_CONTENT: boolean,
    AUTO_DELETE_MINUTES: z.coerce
      .number({ message: 'must be a whole number of minutes' })
      .pipe(autoDeleteMinutes)
      .default(0),
    BROADCAST_RATE: z.coerce
      .number({ message: 'must be a number' })
      .positive('must be positive')
      .max(30, 'must be at most 30 (Telegram allows about 30 messages per second)')
      .default(25),
    BROADCAST_PAID: boolean,
    BROADCAST_PAID_RATE: z.coerce
      .number({ message: 'must be a number' })
      .positive('must be positive')
      .max(1000, 'must be at most 1000 (the paid broadcast limit)')
      .default(1000),
    DOWNLOADS_RETENTION_DAYS: period('days', 90),
    BROADCAST_RETENTION_DAYS: period('days', 30),
    BROADCAST_DRAFT_HOURS: period('hours', 24),
    JOIN_REQUEST_RETENTION_DAYS: period('days', 7),
    HEALTH_RETENTION_DAYS: period('days', 30),
    SESSION_RETENTION_DAYS: period('days', 30),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        message: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    LOG_FILE: z.string().min(1).optional(),
    APP_ROLE: z.enum(['all', 'bot', 'api'], { message: 'must be all, bot or api' }).default('all'),
    SHUTDOWN_TIMEOUT_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds' })
      .positive('must be positive')
      .max(300, 'must be at most 300')
      .default(10),
    BOT_API_TIMEOUT_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds' })
      .min(0.1, 'must be at least 0.1')
      .max(300, 'must be at most 300')
      .default(15),
    FILE_TIMEOUT_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds' })
      .min(0.1, 'must be at least 0.1')
      .max(3600, 'must be at most 3600')
      .default(60),
    HEARTBEAT_SECONDS: z.coerce
      .number({ message: 'must be a number of seconds' })
      .min(0.1, 'must be at least 0.1')
      .max(60, 'must be at most 60')
      .default(5),
    METRICS_HOST: z.string().min(1).default('127.0.0.1'),
    METRICS_PORT: port.optional(),
    METRICS_TOKEN: z
      .string()
      .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16-256 printable characters without spaces')
      .optional(),
    BACKUP_DIR: z.string().min(1).optional(),
    BACKUP_EVERY_HOURS: z.coerce
      .number({ message: 'must be a number of hours' })
      .min(0, 'must be 0 (off) or more')
      .max(24 * 30, 'must be at most 720 (30 days)')
      .default(0),
    BACKUP_KEEP: z.coerce
      .number({ message: 'must be a whole number' })
      .int('must be a whole number')
      .min(1, 'must be at least 1')
      .default(7),
  })
  .superRefine((env, ctx) => {
    if (env.BACKUP_EVERY_HOURS > 0 && !env.BACKUP_DIR) {
      ctx.addIssue({
        code: 'custom',
        path: ['BACKUP_DIR'],
        message: 'is required with BACKUP_EVERY_HOURS',
      });
    }
    if (env.BOT_MODE === 'webhook') {
      for (const key of ['WEBHOOK_URL', 'WEBHOOK_SECRET'] as const) {
        if (!env[key])
          ctx.addIssue({
            code: 'custom',
            path: [key],
            message: 'is required when BOT_MODE=webhook',
          });
      }
    }
    // Telegram posts only to https; a local telegram-bot-api server also to plain http.
    if (env.WEBHOOK_URL?.startsWith('http:') && !env.LOCAL_BOT_API) {
      ctx.addIssue({
        code: 'custom',
        path: ['WEBHOOK_URL'],
        message: 'must be an https URL (http only with LOCAL_BOT_API=true)',
      });
    }
    if (env.ADMIN_USERNAME && !env.ADMIN_PASSWORD) {
      ctx.addIssue({
        code: 'custom',
        path: ['ADMIN_PASSWORD'],
        message: 'is required with ADMIN_USERNAME',
      });
    }
  });

type Env = z.infer<typeof schema>;

/** The validated settings, read once at start-up. */
export interface Config {
  botToken: string;
  apiRoot: string;
  localBotApi: boolean;
  adminIds: number[];
  dataDir: string;
  forceSubChannels: (number | string)[];
  storageChatId: number | undefined;
  titleSuffix: string;
  /** Files sent to users cannot be forwarded or saved. */
  protectContent: boolean;
  /** Files sent to users are deleted after this many minutes; 0: never. */
  autoDeleteMinutes: number;
  defaultLanguage: 'uz' | 'ru' | 'en';
  bot: { mode: 'polling' } | WebhookConfig;
  api: {
    host: string;
    port: number;
    /** Lifetime of a login token. */
    tokenTtlSeconds: number;
    /** Origins allowed by CORS; none: closed. */
    corsOrigins: string[];
    jwtSecret: string | undefined;
    adminUsername: string | undefined;
    adminPassword: string | undefined;
  };
  /** Broadcast messages per second. */
  broadcastRate: number;
  /** Paid broadcasts (allow_paid_broadcast, Telegram Stars) and their rate. */
  broadcastPaid: { enabled: boolean; rate: number };
  /** How long rows and files are kept (README, Settings), in Unix ms. */
  retention: Retention;
  logLevel: Env['LOG_LEVEL'];
  logFile: string | undefined;
  /** What this process runs: the bot and the API (all), or one of them (two PM2 apps). */
  role: Env['APP_ROLE'];
  /** A shutdown that takes longer is cut short with exit code 1. */
  shutdownTimeoutMs: number;
  /** One Bot API call gives up after this long (getUpdates: after its long poll and this). */
  apiTimeoutMs: number;
  /** A file transfer's allowance before its size is counted (see transferTimeoutMs). */
  fileTimeoutMs: number;
  /** How often the bot writes its heartbeat; readiness windows derive from it. */
  heartbeatMs: number;
  /**
   * Prometheus metrics: served at /metrics on the admin API, and by a bot-only process
   * (APP_ROLE=bot) on host:port when a port is set; with a token, only to that bearer.
   */
  metrics: { host: string; port: number | undefined; token: string | undefined };
  /** Where `npm run backup` and the bot's own backups go; every: 0 means the bot takes none. */
  backup: { dir: string | undefined; everyMs: number; keep: number };
}

/** Webhook mode: where Telegram posts, the secret it sends, and the bot's own listener. */
export interface WebhookConfig {
  mode: 'webhook';
  /** Registered with setWebhook; its path is the path the listener serves. */
  url: string;
  /** Telegram sends it in X-Telegram-Bot-Api-Secret-Token with every post. */
  secret: string;
  host: string;
  port: number;
}

/** The SQLite file in DATA_DIR. */
export function databaseFile(config: Pick<Config, 'dataDir'>): string {
  return join(config.dataDir, 'primelingo.sqlite');
}

/** How long each growing table or folder keeps its rows or files, in milliseconds. */
export interface Retention {
  /** Download rows, then folded into per-file daily counts. */
  downloads: number;
  /** Recipient rows of a finished broadcast; the broadcast keeps its counts. */
  broadcastRecipients: number;
  /** A broadcast draft never sent. */
  broadcastDrafts: number;
  /** A join request never settled. */
  joinRequests: number;
  healthChecks: number;
  /** A session file not written for this long (an abandoned dialog). */
  sessions: number;
}

/** A setting that is missing or invalid; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The config of this process: its environment, after a `.env` in the working directory. */
export function loadEnvironment(): Config {
  if (existsSync('.env')) process.loadEnvFile('.env');
  return loadConfig(process.env);
}

/**
 * Validates the environment into a {@link Config}. Empty strings count as unset, so a
 * `.env` copied from `.env.example` with blanks falls back to the defaults.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = schema.safeParse(present);
  if (!result.success) {
    const issue = result.error.issues[0];
    const name = issue?.path.join('.') || 'environment';
    // A coerced number that is not one (API_PORT=abc) has no input either: ask the environment.
    const missing = issue?.code === 'invalid_type' && present[String(issue.path[0])] === undefined;
    const problem = missing ? 'is required' : issue?.message;
    throw new ConfigError(`${name} ${problem}`);
  }
  const e = result.data;
  return {
    botToken: e.BOT_TOKEN,
    apiRoot: e.TELEGRAM_API_ROOT,
    localBotApi: e.LOCAL_BOT_API,
    adminIds: e.ADMIN_IDS as number[],
    dataDir: e.DATA_DIR,
    forceSubChannels: e.FORCE_SUB_CHANNELS,
    storageChatId: e.STORAGE_CHAT_ID,
    titleSuffix: e.TITLE_SUFFIX,
    protectContent: e.PROTECT_CONTENT,
    autoDeleteMinutes: e.AUTO_DELETE_MINUTES,
    defaultLanguage: e.DEFAULT_LANGUAGE,
    bot:
      e.BOT_MODE === 'webhook'
        ? {
            mode: 'webhook',
            url: e.WEBHOOK_URL ?? '',
            secret: e.WEBHOOK_SECRET ?? '',
            host: e.WEBHOOK_HOST,
            port: e.WEBHOOK_PORT,
          }
        : { mode: 'polling' },
    api: {
      host: e.API_HOST,
      port: e.API_PORT,
      tokenTtlSeconds: e.API_TOKEN_TTL,
      corsOrigins: e.API_CORS_ORIGINS as string[],
      jwtSecret: e.JWT_SECRET,
      adminUsername: e.ADMIN_USERNAME,
      adminPassword: e.ADMIN_PASSWORD,
    },
    broadcastRate: e.BROADCAST_RATE,
    broadcastPaid: { enabled: e.BROADCAST_PAID, rate: e.BROADCAST_PAID_RATE },
    retention: {
      downloads: e.DOWNLOADS_RETENTION_DAYS * DAY_MS,
      broadcastRecipients: e.BROADCAST_RETENTION_DAYS * DAY_MS,
      broadcastDrafts: e.BROADCAST_DRAFT_HOURS * HOUR_MS,
      joinRequests: e.JOIN_REQUEST_RETENTION_DAYS * DAY_MS,
      healthChecks: e.HEALTH_RETENTION_DAYS * DAY_MS,
      sessions: e.SESSION_RETENTION_DAYS * DAY_MS,
    },
    logLevel: e.LOG_LEVEL,
    logFile: e.LOG_FILE,
    role: e.APP_ROLE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_SECONDS * 1000,
    apiTimeoutMs: e.BOT_API_TIMEOUT_SECONDS * 1000,
    fileTimeoutMs: e.FILE_TIMEOUT_SECONDS * 1000,
    heartbeatMs: e.HEARTBEAT_SECONDS * 1000,
    metrics: { host: e.METRICS_HOST, port: e.METRICS_PORT, token: e.METRICS_TOKEN },
    backup: {
      dir: e.BACKUP_DIR,
      everyMs: e.BACKUP_EVERY_HOURS * 3600_000,
      keep: e.BACKUP_KEEP,
    },
  };
}
