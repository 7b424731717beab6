/**
 * The emulated server's time: the real clock plus however far a test moved it forward, so
 * a test can let time pass (a query expiring) without waiting for it.
 */
export class Clock {
  private offsetMs = 0;

  /** Milliseconds since the epoch, as the server sees them. */
  now(): number {
    return Date.now() + this.offsetMs;
  }

  /** Moves the server's time forward. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new Error(`emulator: the clock only moves forward, not by ${ms} ms`);
    this.offsetMs += ms;
  }
}
