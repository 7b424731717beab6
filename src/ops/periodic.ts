import type { Logger } from '../logger.js';

/**
 * Runs a task now and then every `everyMs` until stopped; runs never overlap, and a failing
 * run is logged and the next one comes as planned. The one timer loop of the bot's background
 * work: auto-deletions, maintenance, the heartbeat, scheduled backups.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private run: Promise<void> | undefined;
  private running = false;
  private stopped = false;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly task: () => Promise<unknown>,
    private readonly logger: Logger,
  ) {}

  /** True once stop() was called: a long run checks it to end early. */
  get stopping(): boolean {
    return this.stopped;
  }

  /** Runs the task now, or first after one interval when the caller has just run it itself. */
  start(runNow = true): void {
    if (this.running) return;
    this.running = true;
    this.stopped = false;
    if (runNow) this.tick();
    else this.schedule();
  }

  /** Stops the timer and waits for a run under way to finish. */
  async stop(): Promise<void> {
    this.running = false;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.run;
  }

  private tick(): void {
    this.run = this.task()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error, task: this.name }, 'failed'))
      .finally(() => this.schedule());
  }

  private schedule(): void {
    // The bot's polling keeps the process alive; this timer must not on its own.
    if (this.running) this.timer = setTimeout(() => this.tick(), this.everyMs).unref();
  }
}
