import type { MiddlewareFn } from 'grammy';

/**
 * Tracks the updates being handled. The runner's stop() ends polling but does not wait for
 * handlers, so shutdown drains them here; it also knows the last update handled, whose
 * offset must be confirmed to Telegram before exiting.
 */
export class InFlight {
  private readonly running = new Set<Promise<void>>();
  /** The highest update_id that reached the handlers. */
  lastUpdateId: number | undefined;

  readonly middleware: MiddlewareFn = async (ctx, next) => {
    this.lastUpdateId = Math.max(this.lastUpdateId ?? 0, ctx.update.update_id);
    const handling = next();
    this.running.add(handling);
    try {
      await handling;
    } finally {
      this.running.delete(handling);
    }
  };

  get size(): number {
    return this.running.size;
  }

  /** Resolves when no update is being handled any more, however each one ended. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }
}
