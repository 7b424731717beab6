/** A token bucket refilled continuously at `rate` tokens per second, holding at most `burst`. */
export class TokenBucket {
  private tokens: number;
  private stamp = Date.now();

  constructor(
    readonly rate: number,
    readonly burst: number,
  ) {
    this.tokens = burst;
  }

  /** Seconds until one token is available (0 if one is there now). */
  wait(now = Date.now()): number {
    this.refill(now);
    return this.tokens >= 1 ? 0 : (1 - this.tokens) / this.rate;
  }

  /** Takes a token; call only after wait() returned 0. */
  take(): void {
    this.tokens -= 1;
  }

  private refill(now: number): void {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.stamp) / 1000) * this.rate);
    this.stamp = now;
  }
}

/** Message rate limits of one bot; null disables a limit. */
export interface RateLimits {
  globalRate: number | null;
  perChatRate: number | null;
  perChatBurst: number;
  paidRate: number | null;
}

/**
 * The flood limits: one global bucket (or the paid-broadcast one) plus one per chat.
 * A message needs a token from both; a refused message takes none.
 */
export class RateLimiter {
  private global: TokenBucket | null = null;
  private paid: TokenBucket | null = null;
  private readonly chats = new Map<number, TokenBucket>();
  private limits: RateLimits;

  constructor(limits: RateLimits) {
    this.limits = limits;
    this.reset();
  }

  /** The limits in force. */
  get current(): Readonly<RateLimits> {
    return this.limits;
  }

  /** Changes limits at run time; buckets restart full. */
  set(changes: Partial<RateLimits>): void {
    this.limits = { ...this.limits, ...changes };
    this.reset();
  }

  /** 0 when the message may go (tokens taken), else seconds to wait. */
  acquire(chatId: number, paidBroadcast: boolean): number {
    const now = Date.now();
    const global = paidBroadcast ? this.paid : this.global;
    const chat = this.chatBucket(chatId);
    const wait = Math.max(global?.wait(now) ?? 0, chat?.wait(now) ?? 0);
    if (wait > 0) return wait;
    global?.take();
    chat?.take();
    return 0;
  }

  private chatBucket(chatId: number): TokenBucket | null {
    const rate = this.limits.perChatRate;
    if (rate === null) return null;
    let bucket = this.chats.get(chatId);
    if (!bucket) {
      bucket = new TokenBucket(rate, Math.max(1, this.limits.perChatBurst));
      this.chats.set(chatId, bucket);
    }
    return bucket;
  }

  private reset(): void {
    const { globalRate, paidRate } = this.limits;
    this.global = globalRate === null ? null : new TokenBucket(globalRate, Math.max(1, globalRate));
    this.paid = paidRate === null ? null : new TokenBucket(paidRate, Math.max(1, paidRate));
    this.chats.clear();
  }
}
