import { type App, createApp } from './app.js';
import { type Config, ConfigError, loadEnvironment } from './config.js';
import { createScrubber } from './scrub.js';

/** Reads the config, starts the app, and stops it on SIGINT/SIGTERM within the deadline. */
async function main(): Promise<void> {
  const config = readConfig();
  // Until the app runs, a signal has nothing to drain: stop at once, cleanly.
  const early = () => process.exit(0);
  process.once('SIGINT', early).once('SIGTERM', early);

  let app: App | undefined;
  let stopping = false;
  const shutdown = async (reason: string, code: number) => {
    if (stopping || !app) return;
    stopping = true;
    const { logger } = app;
    logger.info({ reason }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long: forcing exit');
      process.exit(1);
    }, config.shutdownTimeoutMs).unref();
    await app.stop();
    logger[code === 0 ? 'info' : 'error']('stopped');
    process.exit(code);
  };
  app = await createApp(config, { onFatal: () => void shutdown('a part failed for good', 1) });
  const { logger } = app;
  process.on('unhandledRejection', (reason) =>
    logger.error({ err: reason }, 'unhandled rejection'),
  );
  await app.start();
  process.off('SIGINT', early).off('SIGTERM', early);
  process.once('SIGINT', () => void shutdown('SIGINT', 0));
  process.once('SIGTERM', () => void shutdown('SIGTERM', 0));
}

function readConfig(): Config {
  try {
    return loadEnvironment();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`Configuration error: ${error.message}\n`);
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  // Start-up failed before the logger existed or outside it; keep the token out of the line.
  const text = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Start-up failed: ${createScrubber([process.env.BOT_TOKEN ?? ''])(text)}\n`);
  process.exit(1);
});
