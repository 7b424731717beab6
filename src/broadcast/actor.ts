import { setTimeout as delay } from 'node:timers/promises';
import Bottleneck from 'bottleneck';
import { type Api, GrammyError } from 'grammy';
import {
  type BroadcastCounts,
  claimBroadcast,
  countRecipients,
  findBroadcast,
  finishBroadcast,
  markRecipient,
  pendingRecipients,
  type RecipientStatus,
} from '../db/broadcasts.js';
import type { Db } from '../db/database.js';
import type { Broadcast } from '../db/schema.js';
import { setBlocked } from '../db/users.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import { apiErrorMeaning } from '../telegram-errors.js';

/** How a broadcast stands, for the admin's status message. */
export interface BroadcastProgress {
  broadcast: Broadcast;
  counts: BroadcastCounts;
  /** Messages per second since this run started. */
  rate: number;
  /** over: the run ended (done or cancelled); the report is final. */
  over: boolean;
}

export interface BroadcastActorDeps {
  db: Db;
  /** An Api of its own, without auto-retry: the actor handles 429s for the whole limiter. */
  api: Api;
  logger: Logger;
  metrics: Pick<Metrics, 'broadcastMessages' | 'broadcastRate'>;
  /** Messages per second, the whole bot's share for broadcasts. */
  rate: number;
  /** Sends with allow_paid_broadcast (the rate is then the paid one). */
  paid: boolean;
  /** Edits the admin's status message; called every few seconds and at the end. */
  report: (progress: BroadcastProgress) => Promise<void>;
  reportEveryMs?: number;
  /** How often the actor looks for new broadcasts and cancellations. */
  pollMs?: number;
}

/** Retries of one message after a 5xx or a network error that never reached Telegram. */
const TRANSIENT_ATTEMPTS = 3;
/** Retries after 429s; each one pauses the whole limiter first. */
const RATE_LIMIT_ATTEMPTS = 10;
const BATCH = 500;

/** A recipient's final outcome, to record. */
interface Recorded {
  userId: number;
  status: RecipientStatus;
  error: string | null;
}

type Attempt = Recorded | { retryAfter: number } | { transient: string };

const failed = (userId: number, error: string): Recorded => ({ userId, status: 'failed', error });

/** What the recipient's row says went wrong: Telegram's own words, else the error's message. */
function errorText(error: unknown): string {
  return error instanceof GrammyError ? error.description : String(error);
}

/**
 * The broadcast actor: claims queued broadcasts (or one a crash left running) one at a
 * time and sends to every pending recipient through a Bottleneck limiter: at most `rate`
 * messages a second with several in flight. A 429 pauses the whole limiter for its
 * retry_after; 5xx and network errors that prove the request never reached Telegram are
 * retried with backoff a bounded number of times. A send whose outcome is unknown (a timeout,
 * a connection lost mid-request) is recorded as such and never repeated. Each recipient's
 * outcome is written as soon as its job's messages are sent, so after a crash only the
 * messages in flight (at most the limiter's concurrency) can be sent twice.
 */
export class BroadcastActor {
  /** Messages one limiter job sends together. */
  private readonly perJob: number;
  /** Limiter jobs running at once. */
  private readonly jobs: number;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Drops the running broadcast's waiting messages (shutdown). */
  private halt: (() => void) | undefined;
  private loop: Promise<void> | undefined;

  constructor(private readonly deps: BroadcastActorDeps) {
    // Bottleneck starts a few hundred jobs a second at most, so past 100 messages a second
    // a job carries several messages, sent together. In flight: enough to keep the rate
    // through the API's latency (a tenth of a second's worth, at most 50), which is also
    // how many a crash can make arrive twice.
    this.perJob = Math.max(1, Math.ceil(deps.rate / 100));
    const inFlight = Math.min(50, Math.max(4, Math.ceil(deps.rate / 10)));
    this.jobs = Math.max(1, Math.ceil(inFlight / this.perJob));
  }

  start(): void {
    this.loop = this.run();
  }

  /** Looks for work now rather than at the next poll (a broadcast was just confirmed). */
  kick(): void {
    this.wake?.();
  }

  /** Stops sending; messages in flight finish and are recorded. The rest stay pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.halt?.();
    this.kick();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        const broadcast = await claimBroadcast(this.deps.db);
        if (broadcast) {
          await this.send(broadcast);
          continue;
        }
      } catch (error) {
        this.deps.logger.error({ err: error }, 'broadcast actor failed; retrying');
      }
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, this.deps.pollMs ?? 1000).unref();
      });
    }
  }

  private async send(broadcast: Broadcast): Promise<void> {
    const { db, logger, metrics } = this.deps;
    const log = logger.child({ broadcast_id: broadcast.id });
    const limiter = new Bottleneck({
      maxConcurrent: this.jobs,
      minTime: (1000 * this.perJob) / this.deps.rate,
    });
    const started = Date.now();
    let sentHere = 0;
    let cancelled = false;
    const halted = () => cancelled || this.stopped;
    // Waiting messages are dropped at once; those in flight finish and are recorded.
    this.halt = () => void limiter.stop({ dropWaitingJobs: true }).catch(() => undefined);
    let pausedUntil = 0;
    let pauses = 0;
    const pause = (seconds: number) => {
      const until = Date.now() + seconds * 1000;
      if (until <= pausedUntil) return;
      pausedUntil = until;
      // Only the latest pause lifts the limiter (timers may fire a little early, so the
      // clock is not compared).
      const pauseNumber = ++pauses;
      limiter.updateSettings({ reservoir: 0 });
      setTimeout(() => {
        if (pauseNumber === pauses && !probing) limiter.updateSettings({ reservoir: null });
      }, seconds * 1000).unref();
      log.warn({ retry_after: seconds }, 'broadcast paused by a 429');
    };
    // A send that timed out, lost its connection or met a 5xx says Telegram may be down:
    // sending on would make every pending recipient unknown or use up its retries. The
    // limiter holds until a harmless call (getMe) is answered, so only the sends in flight
    // at the outage are unknown.
    let probing: Promise<void> | undefined;
    const holdUntilReachable = () => {
      if (probing) return;
      limiter.updateSettings({ reservoir: 0 });
      log.warn('broadcast paused: a send failed; waiting for Telegram to answer');
      probing = (async () => {
        for (let failures = 0; !halted(); failures++) {
          try {
            await this.deps.api.getMe();
            break;
          } catch {
            await delay(Math.min(1000 * 2 ** failures, 30_000), undefined, { ref: false });
          }
        }
        probing = undefined;
        if (Date.now() >= pausedUntil) limiter.updateSettings({ reservoir: null });
        if (!halted()) log.info('Telegram answers again: broadcast resumed');
      })();
    };

    const progress = async (over: boolean) => {
      const current = (await findBroadcast(db, broadcast.id)) ?? broadcast;
      const counts = await countRecipients(db, current);
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? sentHere / seconds : 0;
      metrics.broadcastRate.set(over ? 0 : rate);
      await this.deps.report({ broadcast: current, counts, rate, over });
    };
    const watch = setInterval(() => {
      void findBroadcast(db, broadcast.id).then((row) => {
        if (row?.status !== 'cancelled' || cancelled) return;
        cancelled = true;
        this.halt?.();
      });
    }, 250);
    const reporter = setInterval(() => {
      progress(false).catch((error: unknown) => log.warn({ err: error }, 'progress report failed'));
    }, this.deps.reportEveryMs ?? 3000);

    // Records outcomes (and who is gone) in one transaction. These messages went out, so a
    // database error is retried here until it passes: leaving them pending would send them
    // again. Only a shutdown gives up, and then at most these are sent twice after the restart.
    const record = async (outcomes: Recorded[]) => {
      for (let failures = 0; outcomes.length > 0; failures++) {
        try {
          await db.transaction().execute(async (trx) => {
            for (const { userId, status, error } of outcomes) {
              await markRecipient(trx, broadcast.id, userId, status, error);
              if (status === 'blocked') await setBlocked(trx, userId, true);
            }
          });
          for (const { status } of outcomes) metrics.broadcastMessages.inc({ outcome: status });
          return;
        } catch (error) {
          log.error({ err: error, retrying: !this.stopped }, 'could not record broadcast outcomes');
          if (this.stopped) throw error;
          await delay(Math.min(1000 * 2 ** failures, 30_000));
        }
      }
    };

    const attempt = async (userId: number): Promise<Attempt> => {
      try {
        await this.deliver(broadcast, userId);
        sentHere++;
        return { userId, status: 'sent', error: null };
      } catch (error) {
        const meaning = apiErrorMeaning(error);
        const reason = errorText(error);
        switch (meaning.kind) {
          case 'retryAfter':
            return { retryAfter: meaning.seconds };
          case 'transient':
            return { transient: reason };
          case 'gone':
            return { userId, status: 'blocked', error: reason };
          case 'unknown':
            // Telegram may have delivered it: never sent again, never counted as sent.
            return { userId, status: 'unknown', error: reason };
          default:
            return { userId, status: 'failed', error: reason };
        }
      }
    };

    // One limiter job sends to a group of recipients at once; those to try again (after a
    // 429's pause, or a backoff of at least a second for a transient failure: also
    // Telegram's pace for one chat) go round again in a later job.
    const group = async (userIds: number[]) => {
      let pending = userIds.map((id) => ({ id, limited: 0, transient: 0 }));
      while (pending.length > 0 && !halted()) {
        // A job that starts after a cancel sends nothing: its recipients stay pending. The
        // job records what it sent before it ends, so what a crash can send twice stays
        // within the limiter's concurrency.
        const job = async (): Promise<Attempt[]> => {
          if (halted()) return [];
          const outcomes = await Promise.all(pending.map((r) => attempt(r.id)));
          const unanswered = (outcome: Attempt) =>
            'transient' in outcome || ('status' in outcome && outcome.status === 'unknown');
          if (outcomes.some(unanswered)) holdUntilReachable();
          await record(outcomes.filter((outcome) => 'status' in outcome));
          return outcomes;
        };
        let outcomes: Attempt[];
        try {
          outcomes = await limiter.schedule(job);
        } catch (error) {
          if (halted()) return; // dropped by a cancel or a shutdown: they stay pending
          throw error;
        }
        const gaveUp: Recorded[] = [];
        const again: typeof pending = [];
        let backoff = 0;
        for (const [i, outcome] of outcomes.entries()) {
          const r = pending[i];
          if (!r || 'status' in outcome) continue;
          if ('retryAfter' in outcome) {
            pause(outcome.retryAfter);
            if (++r.limited <= RATE_LIMIT_ATTEMPTS) again.push(r);
            else gaveUp.push(failed(r.id, 'rate limited too many times'));
          } else if (++r.transient <= TRANSIENT_ATTEMPTS) {
            again.push(r);
            backoff = Math.max(backoff, 1000 * 2 ** (r.transient - 1));
          } else {
            gaveUp.push(failed(r.id, outcome.transient));
          }
        }
        await record(gaveUp);
        if (backoff > 0) await delay(backoff);
        pending = again;
      }
    };

    log.info('broadcast started');
    try {
      // A broadcast is over only when no recipient is pending: a group that failed leaves its
      // recipients pending, and they are tried again after a pause.
      while (!halted()) {
        for (let after = 0; !halted(); ) {
          const batch = await pendingRecipients(db, broadcast.id, after, BATCH);
          if (batch.length === 0) break;
          after = batch.at(-1) ?? after;
          const groups: number[][] = [];
          for (let i = 0; i < batch.length; i += this.perJob)
            groups.push(batch.slice(i, i + this.perJob));
          for (const result of await Promise.allSettled(groups.map(group))) {
            if (result.status === 'rejected') {
              log.error({ err: result.reason }, 'a group of broadcast sends failed; retrying it');
            }
          }
        }
        if (halted()) break;
        if ((await pendingRecipients(db, broadcast.id, 0, 1)).length === 0) {
          await finishBroadcast(db, broadcast.id);
          break;
        }
        await delay(this.deps.pollMs ?? 1000);
      }
    } finally {
      clearInterval(watch);
      clearInterval(reporter);
      metrics.broadcastRate.set(0);
      this.halt();
      this.halt = undefined;
    }
    if (this.stopped && !cancelled) {
      log.info(
        { sent: sentHere },
        'broadcast interrupted by shutdown: it resumes at the next start',
      );
      return;
    }
    log.info({ sent: sentHere, cancelled }, 'broadcast over');
    await progress(true).catch((error: unknown) => log.warn({ err: error }, 'final report failed'));
  }

  private async deliver(broadcast: Broadcast, userId: number): Promise<void> {
    const paid = this.deps.paid ? { allow_paid_broadcast: true } : {};
    if (broadcast.text !== null) {
      const entities = broadcast.entities ? JSON.parse(broadcast.entities) : undefined;
      const parse_mode = broadcast.parse_mode ?? undefined;
      await this.deps.api.sendMessage(userId, broadcast.text, { entities, parse_mode, ...paid });
    } else {
      await this.deps.api.copyMessage(
        userId,
        broadcast.from_chat_id ?? 0,
        broadcast.message_id ?? 0,
        paid,
      );
    }
  }
}
