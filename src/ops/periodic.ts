import type { Logger } from '../logger.js';

/**
 * Runs a task now and then every `everyMs` until stopped; runs never overlap, and a failing
 * run is logged and the next one comes as planned. For the bot's housekeeping: the heartbeat,
 * pruning health_checks, scheduled backups.
 */
export class Periodic {
  private timer: NodeJS.Timeout | undefined;
  private run: Promise<void> | undefined;
  private running = false;

  constructor(
    private readonly name: string,
    private readonly everyMs: number,
    private readonly task: () => Promise<void>,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.tick();
  }

  /** Stops the timer and waits for a run under way to finish. */
  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await this.run;
  }

  private tick(): void {
    this.run = this.task()
      .catch((error: unknown) => this.logger.error({ err: error, task: this.name }, 'failed'))
      .finally(() => {
        if (this.running) this.timer = setTimeout(() => this.tick(), this.everyMs).unref();
      });
  }
}
