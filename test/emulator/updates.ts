import type { Update } from 'grammy/types';
import { conflict } from './errors.js';
import { ClientGone } from './faults.js';

/** An update before the queue numbers it. */
export type NewUpdate = Omit<Update, 'update_id'>;

/**
 * What happens when a getUpdates arrives while another is held. telegram-bot-api answers
 * the held one 409 and serves the newcomer ('terminate-old'); 'reject-new' refuses the
 * newcomer instead.
 */
export type PollConflictPolicy = 'reject-new' | 'terminate-old';

/** getUpdates parameters, decoded. */
export interface PollRequest {
  offset?: number;
  limit?: number;
  timeout?: number;
  allowedUpdates?: string[];
}

// Sent unless allowed_updates asks for them, as documented for getUpdates/setWebhook.
const OPT_IN = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const CONFLICT_POLL =
  'terminated by other getUpdates request; make sure that only one bot instance is running';
const CONFLICT_WEBHOOK =
  "can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first";

const MAX_TIMEOUT_S = 50;
const GRACE_MS = 150;

interface Holder {
  wake: () => void;
  fail: (err: Error) => void;
}

/** Pending updates of the bot and the long poll that waits for them. */
export class UpdateQueue {
  private queue: Update[] = [];
  private nextId = 1;
  private allowed: Set<string> | null = null;
  private holder: Holder | undefined;
  /** Set by the webhook while one is active: getUpdates is then refused. */
  webhookActive = false;
  /** Called after each push (the webhook sender listens). */
  onPush: (() => void) | undefined;

  constructor(private readonly policy: PollConflictPolicy = 'terminate-old') {}

  /** Updates pushed raw: delivered whatever their type, as allowed_updates cannot filter them. */
  private readonly raw = new WeakSet<Update>();

  /**
   * Numbers and queues an update, waking a held poll. `raw` delivers it even if its type is
   * one the bot did not ask for (or none at all): for tests of malformed input.
   */
  push(update: NewUpdate, { raw = false }: { raw?: boolean } = {}): Update {
    const full = { update_id: this.nextId++, ...update } as Update;
    if (raw) this.raw.add(full);
    this.queue.push(full);
    this.holder?.wake();
    this.onPush?.();
    return full;
  }

  /** Number of getUpdates requests currently held. */
  get pollers(): number {
    return this.holder ? 1 : 0;
  }

  /** Updates not yet confirmed. */
  get pendingCount(): number {
    return this.queue.length;
  }

  /** Confirms (drops) every update below `offset`; negative keeps only the last -offset. */
  confirm(offset: number): void {
    if (offset < 0) this.queue = this.queue.slice(offset);
    else this.queue = this.queue.filter((u) => u.update_id >= offset);
  }

  /** Confirms one update (the webhook got its 2xx); others before it may still be pending. */
  remove(updateId: number): void {
    this.queue = this.queue.filter((u) => u.update_id !== updateId);
  }

  /** Drops everything pending (deleteWebhook/setWebhook with drop_pending_updates). */
  dropAll(): void {
    this.queue = [];
  }

  /** Sets the update types to deliver; an empty list means the default set. */
  setAllowed(types: string[] | undefined): void {
    if (types !== undefined) this.allowed = types.length > 0 ? new Set(types) : null;
  }

  /** The first deliverable updates, dropping those of types the bot did not ask for. */
  peek(limit: number): Update[] {
    this.queue = this.queue.filter((u) => this.isAllowed(u));
    return this.queue.slice(0, limit);
  }

  /**
   * Long polling: answers at once if updates wait, else holds until one is pushed or
   * `timeout` seconds pass. A client that disconnects frees the slot immediately.
   */
  async poll(request: PollRequest, signal: AbortSignal): Promise<Update[]> {
    if (this.webhookActive) throw conflict(CONFLICT_WEBHOOK);
    if (this.holder && this.policy === 'reject-new') await this.graceForHolder(signal);
    if (this.holder) {
      if (this.policy === 'reject-new') throw conflict(CONFLICT_POLL);
      this.holder.fail(conflict(CONFLICT_POLL));
    }
    if (request.offset !== undefined) this.confirm(request.offset);
    this.setAllowed(request.allowedUpdates);
    const limit = Math.min(100, Math.max(1, request.limit ?? 100));
    const ready = this.peek(limit);
    // The real server holds a poll for at most LONG_POLL_MAX_TIMEOUT = 50 seconds.
    const timeout = Math.min(request.timeout ?? 0, MAX_TIMEOUT_S);
    if (ready.length > 0 || timeout <= 0) return ready;
    await this.hold(timeout, signal);
    return this.peek(limit);
  }

  /**
   * A client that aborts its poll and polls again at once can reach us before the old
   * socket's close does; give the old poll a moment to go before calling it a conflict.
   */
  private async graceForHolder(signal: AbortSignal): Promise<void> {
    const deadline = Date.now() + GRACE_MS;
    while (this.holder && !signal.aborted && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  private hold(timeoutSeconds: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (this.holder === holder) this.holder = undefined;
        if (err) reject(err);
        else resolve();
      };
      const onAbort = () => done(new ClientGone());
      const holder: Holder = {
        wake: () => {
          // Only wake for updates this poll would deliver.
          if (this.queue.some((u) => this.isAllowed(u))) done();
        },
        fail: done,
      };
      const timer = setTimeout(() => done(), timeoutSeconds * 1000);
      this.holder = holder;
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
  }

  private isAllowed(update: Update): boolean {
    if (this.raw.has(update)) return true;
    const type = updateType(update);
    return this.allowed ? this.allowed.has(type) : !OPT_IN.has(type);
  }
}

/** An update's type: its one field besides update_id (`message`, `callback_query`...). */
export function updateType(update: Update): string {
  return Object.keys(update).find((key) => key !== 'update_id') ?? '';
}
