import { timingSafeEqual } from 'node:crypto';
import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type LabelValues,
  Registry,
} from 'prom-client';
import type { ProcessingPool } from '../library/pool.js';

/** A processing job's end: its copy made, the original kept, failed for good, or run later. */
export type JobOutcome = 'done' | 'original' | 'failed' | 'rescheduled';

/** The process's Prometheus metrics (README, Metrics): one registry, scraped as text. */
export interface Metrics {
  readonly registry: Registry;
  /** Updates received, by type (`message`, `callback_query`, ...). */
  readonly updates: Counter<'type'>;
  /** An update's handling, by the feature that handled it ('none': a middleware stopped it). */
  readonly handlerSeconds: Histogram<'feature'>;
  /** Bot API requests of every client (handlers, notices, broadcasts), each attempt. */
  readonly apiCalls: Counter<'method' | 'outcome'>;
  /** Searches (`chat`, `inline`, `api`) and how long each took. */
  readonly searchSeconds: Histogram<'source'>;
  /** Files sent to users: from a card's button (`card`) or chosen inline (`inline`). */
  readonly downloads: Counter<'source'>;
  readonly jobSeconds: Histogram<'outcome'>;
  /** Broadcast messages by their recorded outcome (sent, blocked, failed, unknown). */
  readonly broadcastMessages: Counter<'outcome'>;
  /** Messages a second of the running broadcast since its run began; 0 when none runs. */
  readonly broadcastRate: Gauge;
  /** Errors recorded in health_checks, by their source. */
  readonly errors: Counter<'source'>;
}

/**
 * Creates the registry with the process's default metrics and PrimeLingo's own. The pool's
 * gauges are read from `pool` at each scrape.
 */
export function createMetrics(pool?: Pick<ProcessingPool, 'status' | 'piscina'>): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  if (pool) {
    new Gauge({
      name: 'primelingo_pool_threads_busy',
      help: 'Worker threads running a job now.',
      registers,
      collect() {
        this.set(pool.status().busy);
      },
    });
    new Gauge({
      name: 'primelingo_pool_threads_max',
      help: 'Worker threads the pool may run at once.',
      registers,
      collect() {
        this.set(pool.piscina.options.maxThreads);
      },
    });
    new Gauge({
      name: 'primelingo_pool_queue_length',
      help: 'Jobs waiting for a worker thread.',
      registers,
      collect() {
        this.set(pool.status().queued);
      },
    });
  }
  return {
    registry,
    updates: new Counter({
      name: 'primelingo_updates_total',
      help: 'Updates received from Telegram, by type.',
      labelNames: ['type'],
      registers,
    }),
    handlerSeconds: new Histogram({
      name: 'primelingo_handler_duration_seconds',
      help: 'Time to handle an update, by the feature that handled it.',
      labelNames: ['feature'],
      // A download may wait up to a minute for its processed copy.
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    apiCalls: new Counter({
      name: 'primelingo_bot_api_calls_total',
      help: 'Bot API requests, each attempt, by method and outcome (ok, 4xx, 429, 5xx, network, timeout).',
      labelNames: ['method', 'outcome'],
      registers,
    }),
    searchSeconds: new Histogram({
      name: 'primelingo_search_duration_seconds',
      help: 'Library searches, by where they came from (chat, inline, api), and their time.',
      labelNames: ['source'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    downloads: new Counter({
      name: 'primelingo_downloads_total',
      help: 'Library files sent to users, by how (card, inline).',
      labelNames: ['source'],
      registers,
    }),
    jobSeconds: new Histogram({
      name: 'primelingo_processing_job_duration_seconds',
      help: 'Processing jobs run, by outcome (done, original, failed, rescheduled), and their time.',
      labelNames: ['outcome'],
      buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    }),
    broadcastMessages: new Counter({
      name: 'primelingo_broadcast_messages_total',
      help: 'Broadcast messages by outcome (sent, blocked, failed, unknown).',
      labelNames: ['outcome'],
      registers,
    }),
    broadcastRate: new Gauge({
      name: 'primelingo_broadcast_rate',
      help: 'Messages a second of the running broadcast; 0 when none runs.',
      registers,
    }),
    errors: new Counter({
      name: 'primelingo_errors_total',
      help: 'Errors recorded in health_checks, by source.',
      labelNames: ['source'],
      registers,
    }),
  };
}

/** Runs `work` and observes its time in `histogram` with `labels`, whether it fails or not. */
export async function timed<T extends string, R>(
  histogram: Histogram<T>,
  labels: LabelValues<T>,
  work: () => Promise<R>,
): Promise<R> {
  const end = histogram.startTimer(labels);
  try {
    return await work();
  } finally {
    end();
  }
}

/**
 * True when a scrape may read the metrics: no METRICS_TOKEN is set, or the request's
 * Authorization header carries it as a bearer token (compared in constant time).
 */
export function scrapeAllowed(
  token: string | undefined,
  authorization: string | undefined,
): boolean {
  if (token === undefined) return true;
  const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
