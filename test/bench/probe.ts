/**
 * Preloaded into the bot process by the load runs (`--import`): on SIGUSR2 it appends one JSON
 * line to the file named by PROBE_FILE (a file, not stdout, where a line could be split
 * between reads of the pipe) with the event loop's delay and the process's memory. The first
 * signal marks the start of the load: `total` covers the delay from then on, `window` the
 * delay since the previous signal. With --expose-gc the heap is collected first, so heap
 * figures taken minutes apart compare what is kept, not what is merely not yet collected.
 */
import { appendFileSync } from 'node:fs';
import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

/** Event-loop delay percentiles, in ms. */
export interface Delay {
  p50: number;
  p99: number;
  max: number;
}

/** What one probe line holds; the load driver reads it. */
export interface ProbeLine {
  window: Delay;
  total: Delay;
  rssMb: number;
  heapMb: number;
}

const file = process.env.PROBE_FILE;
if (!file) throw new Error('probe: PROBE_FILE names the file it writes to');

const ms = (ns: number) => Math.round(ns / 1e4) / 100;
const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;
const delay = (h: IntervalHistogram): Delay => ({
  p50: ms(h.percentile(50)),
  p99: ms(h.percentile(99)),
  max: ms(h.max),
});

const window = monitorEventLoopDelay();
const total = monitorEventLoopDelay();
window.enable();
total.enable();
let started = false;

process.on('SIGUSR2', () => {
  if (!started) total.reset();
  started = true;
  const line = { window: delay(window), total: delay(total) };
  globalThis.gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  const probe: ProbeLine = { ...line, rssMb: mb(rss), heapMb: mb(heapUsed) };
  appendFileSync(file, `${JSON.stringify(probe)}\n`);
  // The collection above is the probe's own pause: the next window starts after it.
  window.reset();
});
