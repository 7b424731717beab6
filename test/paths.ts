import { fileURLToPath } from 'node:url';

/**
 * `npm test` runs the tests compiled (`tsc` into `.build/`, README "Test it"): a process per
 * test file then starts in half the time it takes under tsx. By hand, `npx tsx --test` runs
 * them from their sources. Either way they start the bot and its workers from the same tree
 * as themselves, and find the repository's own files (package.json, ecosystem.config.cjs,
 * `npm start`'s sources) at {@link REPO}.
 */
export const COMPILED = import.meta.url.endsWith('.js');

/** The tree the tests run in: the repository, or `.build/` inside it. */
export const TREE = fileURLToPath(new URL('..', import.meta.url));

/** The repository's root. */
export const REPO = fileURLToPath(new URL(COMPILED ? '../..' : '..', import.meta.url));

/** Node's arguments to run a file of {@link TREE}: tsx's hooks for TypeScript sources. */
export const LOADER = COMPILED ? [] : ['--import', import.meta.resolve('tsx')];

/** A source file's path in {@link TREE}: `src/main.ts` is `.build/src/main.js` compiled. */
export function inTree(source: string): string {
  return `${TREE}${COMPILED ? source.replace(/\.ts$/, '.js') : source}`;
}
