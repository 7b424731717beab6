import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Worker files are found next to this module's folder, with this module's own extension:
 * `.ts` while the project runs through tsx (`node --import tsx`, `tsx --test`), `.js` if it
 * is ever compiled. Worker threads inherit the parent's execArgv, so tsx's `--import` hook
 * (or the tsx CLI's `--require`/`--import` pair) loads the `.ts` worker in each thread too;
 * piscina require()s it first, so tsx compiles it to CommonJS (no top-level await in
 * workers). When the parent runs TypeScript without tsx on its command line (tsx's
 * register() API), the threads get `--import tsx` (resolved from the working directory, the
 * project root under npm and PM2). Verified by test/unit/library/pool.test.ts and
 * search-pool.test.ts (compiled under `npm test`, TypeScript under `npx tsx --test`), by the
 * lifecycle test's `npm start` (its search threads), and by hand under register().
 */
const EXTENSION = extname(fileURLToPath(import.meta.url));
const WORKERS = new URL('../../workers/', import.meta.url);

/** The absolute path of a worker file (`process-file` -> `.../workers/process-file.ts`). */
export function workerPath(name: 'process-file' | 'thumbnail' | 'search'): string {
  return fileURLToPath(new URL(`${name}${EXTENSION}`, WORKERS));
}

const TSX = /[\\/]tsx[\\/]|^tsx$/;

// Compiled, a worker file is an ES module, which piscina require()s first. Where Node loads an
// ES module that way (20.19+, 22.12+), a thread terminated while it loads (a pool closed at
// shutdown as a thread starts) aborts the whole process: "FATAL ERROR:
// v8::Module::IsGraphAsync", seen on Node 20.20 in 2 of 40 quick stops on a busy machine.
// Refused, the require() fails and piscina import()s the file, which a termination ends safely.
const NO_REQUIRE_ESM = process.allowedNodeEnvironmentFlags.has('--no-experimental-require-module')
  ? ['--no-experimental-require-module']
  : [];

/**
 * The worker threads' execArgv. Under tsx: only tsx's hooks, so that they load `.ts` workers,
 * and `--import tsx` if the parent lacks them. Compiled: no require() of ES modules (above).
 * The parent's other flags stay in the main thread: a preloaded module (a probe, an agent)
 * would run again in every thread, ahead of tsx there.
 */
export function workerExecArgv(): string[] {
  if (EXTENSION !== '.ts') return NO_REQUIRE_ESM;
  const args = process.execArgv;
  const hooks: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    const next = args[i + 1] ?? '';
    if (/^(--import|--require|-r)$/.test(arg) && TSX.test(next)) {
      hooks.push(arg, next);
      i++;
    } else if (/^--(import|require)=/.test(arg) && TSX.test(arg.slice(arg.indexOf('=') + 1))) {
      hooks.push(arg);
    }
  }
  return hooks.length > 0 ? hooks : ['--import', 'tsx'];
}
