import { workerData } from 'node:worker_threads';
import { type Db, openReadOnlyDatabase } from '../src/db/database.js';
import { type SearchResult, searchFiles } from '../src/library/search.js';
import type { SearchTask, SearchWorkerData } from '../src/library/worker-messages.js';

// Loaded by piscina in each search thread (compiled to CommonJS under tsx: no top-level
// await). The connection is kept for the thread's life. It is opened by the first search,
// not when the file loads: a thread piscina cannot load is never replaced, while a search
// that cannot open it (the file locked a moment) fails alone and the next one tries again.

const { file, busyTimeoutMs } = workerData as SearchWorkerData;
let db: Db | undefined;

/** Runs one search on this thread's read-only connection. */
export default function search({ query, options }: SearchTask): Promise<SearchResult> {
  db ??= openReadOnlyDatabase(file, busyTimeoutMs);
  return searchFiles(db, query, options);
}

/** Does nothing: the pool runs it once per thread to know the thread has loaded. */
export function loaded(): void {}
