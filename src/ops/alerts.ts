import type { StatsFs } from 'node:fs';
import { statfs } from 'node:fs/promises';
import type { I18n } from '@grammyjs/i18n';
import type { Api } from 'grammy';
import type { Context } from '../bot/context.js';
import { chatLanguage } from '../bot/i18n.js';
import { clip, MAX_TEXT_LENGTH } from '../bot/text-limits.js';
import type { BroadcastProgress } from '../broadcast/actor.js';
import type { Config } from '../config.js';
import { totalRecipients } from '../db/broadcasts.js';
import type { Db } from '../db/database.js';
import { recentBotErrors } from '../db/health.js';
import type { LibraryFile } from '../db/schema.js';
import { formatSize } from '../library/format.js';
import type { Logger } from '../logger.js';
import { HOUR_MS, MINUTE_MS } from '../time.js';
import { Periodic } from './periodic.js';

/** A condition that lasts (errors, Telegram, the disk) is announced again this often. */
const REMIND_MS = 6 * HOUR_MS;
/** Failed processing jobs are announced at most this often: a failing batch is one alert. */
const JOB_FAILED_REPEAT_MS = HOUR_MS;
/** Handler errors in the window that raise the alert; it clears below half of them. */
const ERRORS = { threshold: 20, windowMs: 5 * MINUTE_MS };
/** Telegram counts as unreachable after this many heartbeats without a getUpdates: 2 min. */
const TELEGRAM_DOWN_BEATS = 24;
/** The disk is low under either share or size free. */
const DISK = { minShare: 0.05, minBytes: 1024 ** 3 };
/** A finished broadcast is reported when more than this share of its messages failed. */
const BROADCAST_FAILED_SHARE = 0.05;

/**
 * When an alert goes out: as its condition begins, then nothing while it lasts but a reminder
 * every `repeatMs`; once it cleared, the next time it begins goes out at once.
 */
export class AlertGate {
  /** When each raised alert last went out. */
  private readonly raised = new Map<string, number>();

  /** The condition holds: true when the alert should go out now. */
  raise(key: string, repeatMs: number, now = Date.now()): boolean {
    const last = this.raised.get(key);
    if (last !== undefined && now - last < repeatMs) return false;
    this.raised.set(key, now);
    return true;
  }

  /** The condition ended; true when it had been raised. */
  clear(key: string): boolean {
    return this.raised.delete(key);
  }

  isRaised(key: string): boolean {
    return this.raised.has(key);
  }
}

type DiskStats = Pick<StatsFs, 'bsize' | 'blocks' | 'bavail'>;

export interface AlertsDeps {
  db: Db;
  /** A client with the bot's retries; never the broadcast actor's. */
  api: Api;
  i18n: I18n<Context>;
  logger: Logger;
  config: Pick<Config, 'adminIds' | 'defaultLanguage' | 'dataDir' | 'heartbeatMs'>;
  /** The last successful getUpdates (Unix ms); null before the first. */
  telegramAt: () => number | null;
  /** How the disk holding DATA_DIR stands; fs.statfs unless a test replaces it. */
  statfs?: (path: string) => Promise<DiskStats>;
}

type Values = Record<string, string | number>;

/**
 * Alerts to every admin (ADMIN_IDS) in the chat, each in their language: handler errors over
 * the threshold, Telegram out of reach and back, a processing job failed for good, a
 * broadcast with too many failures, the disk holding DATA_DIR nearly full. The conditions are
 * checked with every heartbeat; the AlertGate keeps a storm to one message. A send that fails
 * (Telegram down, an admin who never started the bot) is logged, never retried beyond the
 * client's own retries: the alert is in the log either way.
 */
export class Alerts {
  private readonly gate = new AlertGate();
  private readonly checks: Periodic;
  private readonly stopping = new AbortController();
  /** Alerts go out one after another, so "Telegram is back" never overtakes "down". */
  private outbox = Promise.resolve();
  private startedAt = Date.now();
  /** The last contact before Telegram went out of reach, while it is. */
  private lostAt: number | undefined;

  constructor(private readonly deps: AlertsDeps) {
    this.checks = new Periodic('alerts', deps.config.heartbeatMs, () => this.check(), deps.logger);
  }

  start(): void {
    this.startedAt = Date.now();
    this.checks.start();
  }

  /** Stops the checks; alerts still going out are given up (they are in the log). */
  async stop(): Promise<void> {
    await this.checks.stop();
    this.stopping.abort();
    await this.outbox;
  }

  /** A processing job failed for good. */
  jobFailed(file: LibraryFile, error: string): void {
    if (!this.gate.raise('job-failed', JOB_FAILED_REPEAT_MS)) return;
    this.send('alert-job-failed', {
      id: String(file.id),
      title: clip(file.title),
      error: clip(error),
    });
  }

  /** A broadcast's progress: a finished one with too many failures is reported, once. */
  broadcastProgress({ broadcast, counts, over }: BroadcastProgress): void {
    const total = totalRecipients(counts);
    if (!over || broadcast.status !== 'done' || counts.failed <= total * BROADCAST_FAILED_SHARE) {
      return;
    }
    this.send('alert-broadcast-failures', {
      id: String(broadcast.id),
      failed: counts.failed,
      total,
      percent: Math.round((counts.failed / total) * 100),
    });
  }

  private async check(): Promise<void> {
    const now = Date.now();
    this.checkTelegram(now);
    await Promise.all([this.checkErrors(now), this.checkDisk()]);
  }

  private async checkErrors(now: number): Promise<void> {
    const { threshold, windowMs } = ERRORS;
    const errors = await recentBotErrors(this.deps.db, now - windowMs, threshold);
    // Hysteresis: an error rate hovering at the threshold is one storm, not many.
    const over = errors.length >= (this.gate.isRaised('errors') ? threshold / 2 : threshold);
    if (!over) {
      this.gate.clear('errors');
    } else if (this.gate.raise('errors', REMIND_MS, now)) {
      this.send('alert-errors', {
        threshold,
        minutes: windowMs / MINUTE_MS,
        error: clip(errors[0] ?? ''),
      });
    }
  }

  /**
   * Out of reach as this process sees it: no getUpdates has succeeded for 2 minutes. Sending
   * may still work (then the alert arrives) or fail too (then only "back" arrives, saying how
   * long it lasted).
   */
  private checkTelegram(now: number): void {
    const { heartbeatMs } = this.deps.config;
    const downMs = heartbeatMs * TELEGRAM_DOWN_BEATS;
    const last = this.deps.telegramAt() ?? this.startedAt;
    if (now - last > downMs) {
      this.lostAt ??= last;
      if (this.gate.raise('telegram', REMIND_MS, now)) {
        this.send('alert-telegram-down', (language) => ({
          duration: this.duration(language, downMs),
        }));
      }
    } else if (this.lostAt !== undefined) {
      const lostFor = last - this.lostAt;
      this.lostAt = undefined;
      this.gate.clear('telegram');
      this.send('alert-telegram-back', (language) => ({
        duration: this.duration(language, lostFor),
      }));
    }
  }

  private async checkDisk(): Promise<void> {
    const { bsize, blocks, bavail } = await (this.deps.statfs ?? statfs)(this.deps.config.dataDir);
    const free = bavail * bsize;
    const total = blocks * bsize;
    if (free >= DISK.minBytes && free >= total * DISK.minShare) {
      this.gate.clear('disk');
    } else if (this.gate.raise('disk', REMIND_MS)) {
      this.send('alert-disk-low', {
        free: formatSize(free),
        total: formatSize(total),
        percent: total > 0 ? Math.floor((free / total) * 100) : 0,
      });
    }
  }

  /** Queues the alert (a locale key) for every admin; values that vary by language: a function. */
  private send(key: string, values: Values | ((language: string) => Values)): void {
    this.deps.logger.warn({ alert: key, ...(typeof values === 'function' ? {} : values) }, 'alert');
    const text = (language: string) =>
      this.deps.i18n.t(language, key, typeof values === 'function' ? values(language) : values);
    this.outbox = this.outbox.then(async () => {
      await Promise.all(this.deps.config.adminIds.map((chatId) => this.deliver(chatId, key, text)));
    });
  }

  private async deliver(
    chatId: number,
    key: string,
    text: (language: string) => string,
  ): Promise<void> {
    const { db, api, config, logger } = this.deps;
    try {
      const language = await chatLanguage(db, chatId, config.defaultLanguage);
      const message = clip(text(language), MAX_TEXT_LENGTH);
      // grammY types signals with the abort-controller shim; Node's native ones work at run time.
      const signal = this.stopping.signal as unknown as Parameters<Api['sendMessage']>[3];
      await api.sendMessage(chatId, message, undefined, signal);
    } catch (error) {
      logger.warn({ err: error, chat_id: chatId, alert: key }, 'could not send an alert');
    }
  }

  /** `12 s`, `2 min`, `2 min 5 s`, `3 h 10 min`, in the language. */
  private duration(language: string, ms: number): string {
    const seconds = Math.round(ms / 1000);
    const parts: [string, number][] = [
      ['alert-hours', Math.floor(seconds / 3600)],
      ['alert-minutes', Math.floor(seconds / 60) % 60],
      ['alert-seconds', seconds % 60],
    ];
    // The largest unit and the next one, when it is not zero.
    const first = parts.findIndex(([, n]) => n > 0);
    const shown = first < 0 ? parts.slice(2) : parts.slice(first, first + 2);
    return shown
      .filter(([, n], i) => i === 0 || n > 0)
      .map(([key, n]) => this.deps.i18n.t(language, key, { n }))
      .join(' ');
  }
}
