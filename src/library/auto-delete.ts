import type { Db } from '../db/database.js';
import {
  dueDeletions,
  postponeDeletion,
  removeDeletions,
  type ScheduledDeletion,
} from '../db/scheduled-deletions.js';
import type { Logger } from '../logger.js';
import { Periodic } from '../ops/periodic.js';
import { apiErrorMeaning } from '../telegram-errors.js';

/** What the scheduler needs; built once in main. */
export interface AutoDeleteDeps {
  db: Db;
  logger: Logger;
  /**
   * Deletes one message. Resolves when it is gone, including when it was gone already or
   * can never be deleted; rejects on any other failure.
   */
  deleteMessage(chatId: number, messageId: number): Promise<void>;
  /** How often due rows are looked for. Default 5 s. */
  intervalMs?: number;
  /** How long a failed deletion waits before its next try. Default 1 minute. */
  retryDelayMs?: number;
  now?: () => number;
}

// Rows taken per query, and messages deleted at once within them: enough to clear a backlog
// after a long downtime quickly without a burst Telegram would answer with 429s.
const BATCH = 100;
const PARALLEL = 5;
/** Tries of a deletion Telegram refuses (a 4xx other than 429) before it is given up. */
const REFUSED_ATTEMPTS = 3;

/**
 * Deletes the messages listed in scheduled_deletions once they are due (AUTO_DELETE_MINUTES).
 * The schedule lives in the database, so it survives restarts: the first pass after start()
 * deletes whatever fell due while the bot was down. Passes never overlap.
 */
export class AutoDelete {
  private readonly loop: Periodic;
  private readonly retryDelayMs: number;
  private readonly now: () => number;

  constructor(private readonly deps: AutoDeleteDeps) {
    this.retryDelayMs = deps.retryDelayMs ?? 60_000;
    this.now = deps.now ?? Date.now;
    this.loop = new Periodic(
      'auto-delete',
      deps.intervalMs ?? 5000,
      () => this.runOnce(),
      deps.logger,
    );
  }

  /** Runs a pass now, then one every interval until stop(). */
  start(): void {
    this.loop.start();
  }

  /** Stops the timer and waits for a pass under way to finish. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Deletes every message due now; resolves with how many rows were settled. */
  async runOnce(): Promise<number> {
    let settled = 0;
    for (;;) {
      const due = await dueDeletions(this.deps.db, this.now(), BATCH);
      for (let start = 0; start < due.length; start += PARALLEL) {
        const chunk = due.slice(start, start + PARALLEL);
        const done = await Promise.all(chunk.map((row) => this.delete(row)));
        const ids = chunk.filter((_, i) => done[i]).map((row) => row.id);
        await removeDeletions(this.deps.db, ids);
        settled += ids.length;
      }
      // A short batch was the last; a stop request waits for this batch only.
      if (due.length < BATCH || this.loop.stopping) return settled;
    }
  }

  /**
   * True when the row is settled. A failure is postponed and the row kept, but a refusal
   * (a 4xx Telegram will repeat) is given up after a few tries. Network errors and 5xx are
   * not capped: once the message is 48 hours old Telegram says it can't be deleted, which
   * settles the row.
   */
  private async delete(row: ScheduledDeletion): Promise<boolean> {
    try {
      await this.deps.deleteMessage(row.chat_id, row.message_id);
      return true;
    } catch (error) {
      const attempts = row.attempts + 1;
      const details = { err: error, chat_id: row.chat_id, message_id: row.message_id, attempts };
      if (apiErrorMeaning(error).kind === 'refused' && attempts >= REFUSED_ATTEMPTS) {
        this.deps.logger.warn(details, 'could not delete a message; giving up');
        return true;
      }
      this.deps.logger.warn(details, 'could not delete a message; trying again later');
      await postponeDeletion(this.deps.db, row.id, this.now() + this.retryDelayMs, attempts);
      return false;
    }
  }
}
