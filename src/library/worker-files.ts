import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Worker files are found next to this module's folder, with this module's own extension:
 * `.ts` while the project runs through tsx (`node --import tsx`, `tsx --test`), `.js` if it
 * is ever compiled. Worker threads inherit the parent's execArgv, so tsx's `--import` hook
 * (or the tsx CLI's `--require`/`--import` pair) loads the `.ts` worker in each thread too;
 * piscina require()s it first, so tsx compiles it to CommonJS (no top-level await in
 * workers). When the parent runs TypeScript without tsx on its command line (tsx's
 * register() API), the threads get `--import tsx` added (resolved from the working
 * directory, the project root under npm and PM2). Verified under `tsx --test` by
 * test/unit/library/pool.test.ts and search-pool.test.ts, and by hand under
 * `node --import tsx` and register().
 */
const EXTENSION = extname(fileURLToPath(import.meta.url));
const WORKERS = new URL('../../workers/', import.meta.url);

/** The absolute path of a worker file (`process-file` -> `.../workers/process-file.ts`). */
export function workerPath(name: 'process-file' | 'thumbnail' | 'search'): string {
  return fileURLToPath(new URL(`${name}${EXTENSION}`, WORKERS));
}

/** The worker threads' execArgv: the parent's, with tsx's hook added if the parent lacks it. */
export function workerExecArgv(): string[] | undefined {
  if (EXTENSION !== '.ts') return undefined;
  if (process.execArgv.some((arg) => /[\\/]tsx[\\/]|^tsx$/.test(arg))) return undefined;
  return [...process.execArgv, '--import', 'tsx'];
}
