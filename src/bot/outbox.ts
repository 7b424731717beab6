import type { Api, Transformer } from 'grammy';
import { type CallSignal, MAX_RETRY_AFTER_SECONDS } from './api.js';

/**
 * Telegram's flood limits for messages (sends, copies, forwards and edits): about 30 a second
 * for the whole bot, and about one a second to one chat with short bursts. Paid broadcasts
 * (allow_paid_broadcast) have a budget of their own and skip the bot-wide limit.
 */
export const MESSAGE_LIMITS: MessageLimits = {
  perSecond: 30,
  perChatPerSecond: 1,
  perChatBurst: 3,
};

/** Message limits; a rate of Infinity is no limit. */
export interface MessageLimits {
  perSecond: number;
  perChatPerSecond: number;
  perChatBurst: number;
}

/**
 * A chat's message that had to wait goes this much later than the bucket says: Telegram counts
 * arrivals, and one sent at the edge of its second may arrive sooner after the one before it
 * than it left (the outbox test drew 429s without it).
 */
const MARGIN_MS = 100;

const MESSAGES = /^(send(?!ChatAction)|copyMessage|forwardMessage|editMessage)/;

/** Who is waiting: a person's answer goes before the next broadcast message. */
export type Sender = 'replies' | 'broadcast';

/**
 * Keeps every message the bot sends within Telegram's limits, so that under load messages
 * wait their turn here instead of drawing 429s (which auto-retry gives up on after a few
 * attempts, leaving a user unanswered). One outbox is shared by every client of the bot,
 * since the limits are the bot's, not a client's. A chat's messages keep their order, but for
 * a message Telegram refused: its retry waits its turn again.
 */
export class Outbox {
  private readonly global: Turns;
  private readonly chats = new Map<string, ChatBucket>();

  /** Telegram's limits, unless a test server has others. */
  constructor(private readonly limits: MessageLimits = MESSAGE_LIMITS) {
    if (!(limits.perSecond > 0 && limits.perChatPerSecond > 0 && limits.perChatBurst >= 1)) {
      throw new Error(`message limits must be positive: ${JSON.stringify(limits)}`);
    }
    this.global = new Turns(1000 / limits.perSecond);
  }

  /** Makes `api`'s messages wait for their turn: for a client without configureApi. */
  install(api: Api, sender: Sender): void {
    api.config.use(this.pace(sender));
  }

  /**
   * The transformer that makes each message wait for its turn. configureApi puts it inside
   * auto-retry, so a retry waits its turn too, and outside the call's timeout, which a wait
   * is not part of. A 429 holds the chat's later messages for its retry_after (up to
   * {@link MAX_RETRY_AFTER_SECONDS}, past which auto-retry gives up): Telegram counts
   * messages the outbox never saw (a worker's uploads, another process's), and without the
   * hold every retry would meet the same refusal. A wait ends at once when the call's signal
   * aborts (a shutdown).
   */
  pace(sender: Sender): Transformer {
    return (prev, method, payload, signal) => {
      if (!MESSAGES.test(method)) return prev(method, payload, signal);
      const fields = payload as { chat_id?: unknown; allow_paid_broadcast?: boolean };
      // Inline messages (inline_message_id) have no chat: only the bot-wide limit applies.
      const chat =
        fields.chat_id !== undefined && Number.isFinite(this.limits.perChatPerSecond)
          ? String(fields.chat_id)
          : undefined;
      // The chat's turn last, right before the send, so its messages arrive spaced as
      // counted. The bot-wide turn comes first and never bursts, so the sends a chat's wait
      // bunches up stay within the burst Telegram allows the whole bot.
      return (async () => {
        if (!fields.allow_paid_broadcast) await unlessAborted(this.global.take(sender), signal);
        if (chat !== undefined) await unlessAborted(this.chat(chat).take(), signal);
        const answer = await prev(method, payload, signal);
        if (chat !== undefined && !answer.ok && answer.error_code === 429) {
          const seconds = Math.min(answer.parameters?.retry_after ?? 1, MAX_RETRY_AFTER_SECONDS);
          this.chat(chat).hold(seconds);
        }
        return answer;
      })();
    };
  }

  private chat(id: string): ChatBucket {
    let bucket = this.chats.get(id);
    if (!bucket) {
      // A full bucket is no different from a new one: forget those, so the map stays small.
      if (this.chats.size >= 1000) {
        for (const [key, value] of this.chats) if (value.idle()) this.chats.delete(key);
      }
      bucket = new ChatBucket(this.limits.perChatPerSecond, this.limits.perChatBurst);
      this.chats.set(id, bucket);
    }
    return bucket;
  }
}

/**
 * Turns spaced `spacingMs` apart (never a burst), answers first, each sender's in order.
 * Bottleneck's priorities cannot do this: with no cap on concurrency it hands every job its
 * time slot the moment it is queued, so a later answer could not overtake.
 */
class Turns {
  private readonly queues: Record<Sender, (() => void)[]> = { replies: [], broadcast: [] };
  private next = 0;
  private pumping = false;

  constructor(private readonly spacingMs: number) {}

  take(sender: Sender): Promise<void> {
    const turn = new Promise<void>((resolve) => this.queues[sender].push(resolve));
    if (!this.pumping) void this.pump();
    return turn;
  }

  private async pump(): Promise<void> {
    this.pumping = true;
    for (;;) {
      const wait = this.next - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const go = this.queues.replies.shift() ?? this.queues.broadcast.shift();
      if (!go) break;
      this.next = Date.now() + this.spacingMs;
      go();
    }
    this.pumping = false;
  }
}

/** A token bucket whose takers are served in order. */
class ChatBucket {
  private tokens: number;
  private stamp = Date.now();
  private waiting = 0;
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): Promise<void> {
    this.waiting++;
    this.tail = this.tail.then(async () => {
      // A loop: a hold may come while this taker sleeps.
      for (this.refill(); this.tokens < 1; this.refill()) {
        const wait = ((1 - this.tokens) / this.rate) * 1000 + MARGIN_MS;
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      this.tokens -= 1;
      this.waiting--;
    });
    return this.tail;
  }

  /** Nothing may go for `seconds`, as a 429 said. */
  hold(seconds: number): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 1 - seconds * this.rate);
  }

  /** Nobody waits and the bucket is full again. */
  idle(): boolean {
    this.refill();
    return this.waiting === 0 && this.tokens >= this.burst;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.stamp) / 1000) * this.rate);
    this.stamp = now;
  }
}

/** `turn`, or a rejection as soon as `signal` aborts; the turn, when it comes, goes unused. */
function unlessAborted(turn: Promise<void>, signal: CallSignal): Promise<void> {
  if (!signal) return turn;
  return new Promise((resolve, reject) => {
    const abort = () => reject(new Error('the call was cancelled while it waited its turn'));
    if (signal.aborted) return abort();
    signal.addEventListener('abort', abort);
    turn.then(() => {
      signal.removeEventListener('abort', abort);
      resolve();
    }, reject);
  });
}
