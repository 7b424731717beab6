import { ConfigError } from '../config.js';

/**
 * Runs a command-line chore and exits with its code. A failure is one line on standard error:
 * `Configuration error: ...` for a bad setting, else `failurePrefix` and the message.
 */
export function runCommand(main: (args: string[]) => Promise<number>, failurePrefix = ''): void {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      const prefix = error instanceof ConfigError ? 'Configuration error: ' : failurePrefix;
      process.stderr.write(`${prefix}${message}\n`);
      process.exit(1);
    },
  );
}
