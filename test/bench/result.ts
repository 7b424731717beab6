/**
 * How a benchmark script hands its figures to the runner (test/bench/run.ts): one line
 * `RESULT {...}` among its own output, a flat JSON object of numbers.
 */
export type Figures = Record<string, number>;

const PREFIX = 'RESULT ';

/** Prints the figures as the script's RESULT line. */
export function printResult(figures: Figures): void {
  console.log(`${PREFIX}${JSON.stringify(figures)}`);
}

/** The figures of every RESULT line in a script's output. */
export function readResults(output: string): Figures[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(PREFIX))
    .map((line) => JSON.parse(line.slice(PREFIX.length)) as Figures);
}

/** The p-th percentile (0-100) of values sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}
