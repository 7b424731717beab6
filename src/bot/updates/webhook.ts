import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createConcurrentSink } from '@grammyjs/runner';
import type { Bot, BotError } from 'grammy';
import type { Update } from 'grammy/types';
import type { WebhookConfig } from '../../config.js';
import type { Logger } from '../../logger.js';
import { Periodic } from '../../ops/periodic.js';
import type { Context } from '../context.js';
import { ALLOWED_UPDATES, SINK_CONCURRENCY, type UpdateSource } from './source.js';

export interface WebhookOptions {
  config: WebhookConfig;
  logger: Logger;
  /** With no update for this long, getWebhookInfo checks that Telegram still posts here. */
  checkEveryMs: number;
}

/** Far above any real update (a 4096-character text with its entities and a reply is ~50 kB). */
const MAX_BODY_BYTES = 1024 * 1024;
/** Telegram reads Retry-After from a refusal and posts the update again after it. */
const RETRY_AFTER_SECONDS = 1;
/** Updates remembered as taken: far more than Telegram posts while it retries one. */
const REMEMBERED_UPDATES = 10_000;

/**
 * Webhook mode: the bot's own listener for Telegram's posts, separate from the admin API. A
 * post with the right secret is handed to the runner's concurrent sink and answered 200 at
 * once, never after the handler. What cannot be taken now (the sink is full, or the bot is
 * shutting down) is answered 503, and Telegram posts it again later: nothing it was told was
 * received goes unhandled. Telegram posts one chat's updates one at a time, each after the
 * previous one's 200, so they reach the bot, and its per-chat sequentialize, in order. An
 * update whose 200 got lost on the way comes again: one taken lately is answered, not handled.
 */
export function createWebhook(bot: Bot<Context>, options: WebhookOptions): UpdateSource {
  const { config, logger } = options;
  const path = new URL(config.url).pathname;
  const secret = digest(config.secret);
  const sink = createConcurrentSink<Update, BotError<Context>>(
    { consume: (update) => bot.handleUpdate(update) },
    async (error) => {
      try {
        await bot.errorHandler(error);
      } catch (failure) {
        logger.error({ err: failure }, 'error outside the error handler');
      }
    },
    { concurrency: SINK_CONCURRENCY },
  );
  const taken = new Set<number>();
  let accepting = false;
  let updateAt: number | null = null;
  let confirmedAt: number | null = null;
  let delivering = true;

  const receive = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (new URL(req.url ?? '/', 'http://webhook').pathname !== path) return answer(res, 404);
    if (req.method !== 'POST') return answer(res, 405, { allow: 'POST' });
    const given = req.headers['x-telegram-bot-api-secret-token'];
    if (typeof given !== 'string' || !timingSafeEqual(digest(given), secret)) {
      // Debug only: anyone on the internet can post here. Telegram itself refused shows in
      // the webhook check's warning (its last_error_message).
      logger.debug({ from: req.socket.remoteAddress }, 'webhook post without the right secret');
      return answer(res, 401);
    }
    if (!accepting) return refuse(res, { connection: 'close' });
    const body = await readBody(req);
    if (body === undefined) return answer(res, 413, { connection: 'close' });
    const update = parseUpdate(body);
    if (!update) return answer(res, 400);
    updateAt = Date.now();
    // Checked again after the body: shutdown may have begun meanwhile.
    if (!accepting) return refuse(res, { connection: 'close' });
    if (taken.has(update.update_id)) return answer(res, 200);
    if (sink.size() >= SINK_CONCURRENCY) return refuse(res);
    taken.add(update.update_id);
    // A Set keeps its order: the first id is the oldest.
    if (taken.size > REMEMBERED_UPDATES) taken.delete(taken.values().next().value as number);
    void sink.handle([update]);
    answer(res, 200);
  };
  const server = createServer((req, res) => {
    receive(req, res).catch((error: unknown) => {
      logger.warn({ err: error }, 'webhook post failed');
      res.destroy();
    });
  });

  // Readiness: Telegram still has this URL and its posts get through.
  const check = new Periodic(
    'webhook check',
    options.checkEveryMs,
    async () => {
      if (updateAt !== null && Date.now() - updateAt < options.checkEveryMs) return;
      const info = await bot.api.getWebhookInfo();
      const registered = info.url === config.url;
      // Updates wait and the last attempt to post one failed after the last that arrived.
      const failing =
        info.pending_update_count > 0 && (info.last_error_date ?? 0) * 1000 > (updateAt ?? 0);
      const now = registered && !failing;
      if (now) confirmedAt = Date.now();
      if (now === delivering) return;
      delivering = now;
      if (now) logger.info('Telegram delivers to the webhook again');
      else
        logger.warn(
          { registered, pending: info.pending_update_count, error: info.last_error_message },
          'Telegram does not deliver to the webhook',
        );
    },
    logger,
  );

  return {
    get contactAt() {
      return Math.max(updateAt ?? 0, confirmedAt ?? 0) || null;
    },
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      accepting = true;
      logger.info({ host: config.host, port: config.port, path }, 'webhook listening');
      // Pending updates stay: Telegram posts what waited while the bot was down.
      await bot.api.setWebhook(config.url, {
        secret_token: config.secret,
        allowed_updates: ALLOWED_UPDATES,
        drop_pending_updates: false,
      });
      confirmedAt = Date.now();
      check.start(false);
    },
    async stop() {
      // New posts are refused from now on; Telegram keeps them for the next start.
      accepting = false;
      await check.stop();
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function digest(text: string): Buffer {
  // Equal lengths for timingSafeEqual, whatever was sent.
  return createHash('sha256').update(text).digest();
}

function answer(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, headers).end();
}

function refuse(res: ServerResponse, headers: Record<string, string> = {}): void {
  answer(res, 503, { 'retry-after': String(RETRY_AFTER_SECONDS), ...headers });
}

/** The body, or undefined once it passes MAX_BODY_BYTES. */
async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function parseUpdate(body: Buffer): Update | undefined {
  try {
    const value: unknown = JSON.parse(body.toString('utf8'));
    const id = (value as { update_id?: unknown } | null)?.update_id;
    return typeof value === 'object' && Number.isSafeInteger(id) ? (value as Update) : undefined;
  } catch {
    return undefined;
  }
}
