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

/** Injected faults: scripted errors, latency, hangs and a restarting server. */
export class Faults {
  private readonly failures = new Map<string, { error: ApiErrorBody; times: number }[]>();
  private readonly hangs = new Map<string, number>();
  private readonly delays = new Map<string, Delay>();
  private globalDelay: Delay = 0;
  private restartUntil = 0;

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

  /** For `seconds`, every call answers 429 with the remaining time as retry_after. */
  restarting(seconds: number): void {
    this.restartUntil = Date.now() + seconds * 1000;
  }

  /**
   * Runs the faults for one call, in order: latency, hang, restart, scripted failure.
   * Throws the ApiError to answer, or ClientGone once a delayed/hung client disconnects.
   */
  async apply(method: string, signal: AbortSignal): Promise<void> {
    const key = method.toLowerCase();
    const delayed = this.delays.get(key) ?? this.globalDelay;
    const delay = typeof delayed === 'function' ? delayed() : delayed;
    if (delay > 0) await sleep(delay, signal);
    const hangs = this.hangs.get(key) ?? 0;
    if (hangs > 0) {
      this.hangs.set(key, hangs - 1);
      await new Promise<never>((_resolve, reject) => {
        const gone = () => reject(new ClientGone());
        if (signal.aborted) gone();
        else signal.addEventListener('abort', gone, { once: true });
      });
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
  }
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
