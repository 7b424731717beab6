import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

/**
 * `npm run test:only`, compiled (`.build/test/run.js`): every test file under this folder,
 * four at a time, each given two minutes, as `node --test --test-concurrency=4
 * --test-timeout=120000` would. But `node --test` runs them in the order of their names, so a
 * file that waits out real time by design (outage windows, stalled calls, kills and restarts)
 * could start last and end the run alone. These start first, the longest first.
 */
const FIRST = [
  'e2e/alerts',
  'e2e/timeouts',
  'e2e/crash-two',
  'e2e/crash-one',
  'e2e/upload',
  'e2e/broadcast',
  'e2e/readiness',
  'e2e/load',
].map((name) => join(import.meta.dirname, `${name}.test.js`));

const all = readdirSync(import.meta.dirname, { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.test.js'))
  .map((file) => join(import.meta.dirname, file))
  .sort();
const missing = FIRST.filter((file) => !all.includes(file));
if (missing.length > 0) {
  throw new Error(`no compiled test files ${missing} (npm run build:test makes them)`);
}

run({
  files: [...FIRST, ...all.filter((file) => !FIRST.includes(file))],
  concurrency: 4,
  timeout: 120_000,
})
  // As node --test: a failing todo test does not fail the run.
  .on('test:fail', (event) => {
    if (!event.todo) process.exitCode = 1;
  })
  .compose(new spec())
  .pipe(process.stdout);
