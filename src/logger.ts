import pino, { type DestinationStream, type Logger } from 'pino';
import { createScrubber } from './scrub.js';

export type { DestinationStream, Logger };

export interface LoggerOptions {
  level: string;
  /** Where lines go without a file; standard output by default (tests pass a stream). */
  destination?: DestinationStream | undefined;
  /** Also write to this file, rotated daily or at 10 MB, keeping seven files. */
  file?: string | undefined;
  /** Strings that must never reach a log line (the bot token, passwords). */
  secrets: string[];
}

/**
 * The one root logger. Secrets are scrubbed from every serialised line, whatever field or
 * nested error message carries them (node-fetch errors, for one, include the request URL
 * and so the bot token).
 */
export function createLogger({ level, file, secrets, destination }: LoggerOptions): Logger {
  const scrub = createScrubber(secrets);
  const options = { level, hooks: { streamWrite: scrub } };
  if (!file) return destination ? pino(options, destination) : pino(options);
  return pino(
    options,
    pino.transport({
      targets: [
        { target: 'pino/file', level, options: { destination: 1 } },
        {
          target: 'pino-roll',
          level,
          options: {
            file,
            frequency: 'daily',
            size: '10m',
            mkdir: true,
            // Six rotated files beside the current one, also those of earlier runs.
            limit: { count: 6, removeOtherLogFiles: true },
          },
        },
      ],
    }),
  );
}
