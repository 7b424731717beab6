import { Piscina } from 'piscina';
import type { SearchOptions, SearchResult } from './search.js';
import { workerExecArgv, workerPath } from './worker-files.js';
import type { SearchTask, SearchWorkerData } from './worker-messages.js';

/** Runs a search: in the search threads in the app, or searchFiles in this thread in tests. */
export type Search = (query: string, options?: SearchOptions) => Promise<SearchResult>;

/** Options of {@link SearchPool}. */
export interface SearchPoolOptions {
  /** The database file, already made by openDatabase; each thread opens it read-only. */
  file: string;
  /** Threads, each with its own connection. Default 2. */
  threads?: number;
  /** A search still unanswered this long after it was asked, queued or running, is given up. Default 2000. */
  timeoutMs?: number;
  /** Searches that may wait for a thread; beyond, a search is refused as 'busy'. Default 1000. */
  maxQueue?: number;
  /** A thread's error outside any search (a search's own error rejects the search). */
  onError?: (error: Error) => void;
}

/**
 * Why a search got no answer: it took too long ('timeout'), the queue was full or the pool
 * closed ('busy'), or its thread failed ('failed'). The user should try again.
 */
export class SearchUnavailableError extends Error {
  override name = 'SearchUnavailableError';

  constructor(
    readonly reason: 'timeout' | 'busy' | 'failed',
    options?: ErrorOptions,
  ) {
    super(`search unavailable (${reason})`, options);
  }
}

/**
 * Searches in worker threads, each on its own read-only connection, so the thread that
 * answers updates never waits for SQLite (better-sqlite3 is synchronous). WAL lets these
 * readers run alongside the main connection's writes. A pool of its own: searches never queue
 * behind file processing. Created once; {@link close} on shutdown.
 */
export class SearchPool {
  private readonly piscina: Piscina;
  private readonly loaded: Promise<void>;
  private readonly timeoutMs: number;
  private readonly maxQueue: number;
  private closed = false;

  constructor(options: SearchPoolOptions) {
    const threads = options.threads ?? 2;
    this.timeoutMs = options.timeoutMs ?? 2000;
    this.maxQueue = options.maxQueue ?? 1000;
    this.piscina = new Piscina({
      filename: workerPath('search'),
      // Threads live as long as the pool, each keeping its connection and warm page cache.
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: Number.POSITIVE_INFINITY,
      closeTimeout: this.timeoutMs,
      // Past its time a search is given up and its thread replaced, so a reader waiting for
      // a lock may wait longer: the search's timer, not SQLite's, ends the wait.
      workerData: {
        file: options.file,
        busyTimeoutMs: 2 * this.timeoutMs,
      } satisfies SearchWorkerData,
      execArgv: workerExecArgv(),
      // Below the main thread's priority (Linux; through piscina's optional @napi-rs/nice):
      // when the cores are busy, the update loop goes first and searches take what is left.
      // In the search bench it took the event loop's p99 delay during a storm of 200
      // searches from 28-44 ms down to 4-26 ms on a loaded machine.
      niceIncrement: 5,
    });
    const onError = options.onError ?? (() => {});
    // Without a listener an 'error' event would crash the process.
    this.piscina.on('error', (error: Error) => onError(error));
    // Loading a thread takes a second or more under tsx: searches asked meanwhile wait for
    // it before their time starts, rather than spend it waiting.
    this.loaded = Promise.all(
      Array.from({ length: threads }, () => this.piscina.run(null, { name: 'loaded' })),
    ).then(() => undefined);
    // Reported by ready() and by every search.
    this.loaded.catch(() => undefined);
  }

  /** Resolves once the threads have loaded; rejects if they cannot. */
  ready(): Promise<void> {
    return this.loaded;
  }

  /**
   * {@link searchFiles} in a search thread. Rejects with a {@link SearchUnavailableError} when
   * no answer comes in time (the thread running it is then replaced) or the search cannot run.
   */
  readonly search: Search = async (query, options = {}) => {
    await this.loaded.catch((error: unknown) => {
      throw new SearchUnavailableError('failed', { cause: error });
    });
    // piscina does not count a task with an AbortSignal against its maxQueue (piscina 5.3).
    if (this.closed || this.piscina.queueSize >= this.maxQueue) {
      throw new SearchUnavailableError('busy');
    }
    const signal = AbortSignal.timeout(this.timeoutMs);
    try {
      return await this.piscina.run({ query, options } satisfies SearchTask, { signal });
    } catch (error) {
      throw new SearchUnavailableError(signal.aborted ? 'timeout' : 'failed', { cause: error });
    }
  };

  /** Refuses new searches, lets the running ones end (within the timeout) and stops the threads. */
  async close(): Promise<void> {
    this.closed = true;
    await this.piscina.close({ force: true });
  }
}
