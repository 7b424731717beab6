import { ApiError, type ApiErrorBody, tooManyRequests } from './errors.js';

/** Raised when a hung call's client gives up: there is nobody left to answer. */
export class ClientGone extends Error {
  constructor() {
    super('client disconnected');
    this.name = 'ClientGone';
  }
}

/** Milliseconds, or a function giving them call by call. */
export type Delay = number | (() => number);

/**
 * Injected faults: scripted errors, latency, hangs, dropped connections, an outage and a
 * restarting server.
 */
export class Faults {
  private readonly failures = new Map<string, { error: ApiErrorBody; times: number }[]>();
  private readonly hangs = new Map<string, number>();
  private readonly drops = new Map<string, number>();
  private readonly delays = new Map<string, Delay>();
  private globalDelay: Delay = 0;
  private restartUntil = 0;
  private down = false;

  /** The next `times` calls of `method` answer `error`. */
  fail(method: string, error: ApiErrorBody, times = 1): void {
    const key = method.toLowerCase();
    const queue = this.failures.get(key) ?? [];
    queue.push({ error, times });
    this.failures.set(key, queue);
  }

  /**
   * Delay before answering. With a method, for that method only; without, for every method,
   * replacing per-method delays (so `latency(0)` removes all latency). A function is asked
   * again for each call (jitter).
   */
  latency(ms: Delay, method?: string): void {
    if (method !== undefined) {
      this.delays.set(method.toLowerCase(), ms);
      return;
    }
    this.globalDelay = ms;
    this.delays.clear();
  }

  /** The next `times` calls of `method` are never answered. */
  hang(method: string, times = 1): void {
    const key = method.toLowerCase();
    this.hangs.set(key, (this.hangs.get(key) ?? 0) + times);
  }

  /**
   * The next `times` calls of `method` are carried out, then their connection is closed
   * before the answer: the client cannot know whether the call took effect.
   */
  drop(method: string, times = 1): void {
    const key = method.toLowerCase();
    this.drops.set(key, (this.drops.get(key) ?? 0) + times);
  }

  /**
   * An outage: from now on every request (file downloads and getUpdates included) is taken
   * and never answered, like a server that accepts connections and stalls. `up` ends it for
   * requests arriving after; those already held stay unanswered until their client gives up,
   * as a stalled connection would.
   */
  outage(on: boolean): void {
    this.down = on;
  }

  /** For `seconds`, every call answers 429 with the remaining time as retry_after. */
  restarting(seconds: number): void {
    this.restartUntil = Date.now() + seconds * 1000;
  }

  /** Holds a request for ever while the outage lasts (see outage). */
  async stall(signal: AbortSignal): Promise<void> {
    if (this.down) await hold(signal);
  }

  /**
   * Runs the faults for one call, in order: outage, latency, hang, restart, scripted
   * failure. Throws the ApiError to answer, or ClientGone once a delayed/hung client
   * disconnects. Resolves true when the connection is to be dropped once the call is done.
   */
  async apply(method: string, signal: AbortSignal): Promise<boolean> {
    await this.stall(signal);
    const key = method.toLowerCase();
    const delayed = this.delays.get(key) ?? this.globalDelay;
    const delay = typeof delayed === 'function' ? delayed() : delayed;
    if (delay > 0) await sleep(delay, signal);
    const hangs = this.hangs.get(key) ?? 0;
    if (hangs > 0) {
      this.hangs.set(key, hangs - 1);
      await hold(signal);
    }
    const remaining = this.restartUntil - Date.now();
    if (remaining > 0) throw tooManyRequests(remaining / 1000);
    const queue = this.failures.get(key);
    const next = queue?.[0];
    if (queue && next) {
      next.times--;
      if (next.times <= 0) queue.shift();
      throw new ApiError(next.error.error_code, next.error.description, next.error.parameters);
    }
    const drops = this.drops.get(key) ?? 0;
    if (drops > 0) this.drops.set(key, drops - 1);
    return drops > 0;
  }
}

/** Never resolves; rejects with ClientGone once the client disconnects. */
function hold(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const gone = () => reject(new ClientGone());
    if (signal.aborted) gone();
    else signal.addEventListener('abort', gone, { once: true });
  });
}

/** Waits `ms`, or rejects with ClientGone as soon as the client disconnects. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(new ClientGone());
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new ClientGone());
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
