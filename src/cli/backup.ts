import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, databaseFile, loadConfig } from '../config.js';
import { backupDatabase, backupName } from '../db/backup.js';

/**
 * `npm run backup [-- <file>]`: a consistent copy of the database, taken while the bot and the
 * API run, into `<file>` or else a new file in BACKUP_DIR (default DATA_DIR/backups).
 */
async function main(args: string[]): Promise<number> {
  if (args.length > 1) {
    process.stderr.write('usage: npm run backup [-- <file>]\n');
    return 2;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig(process.env);
  const target =
    args[0] ?? join(config.backup.dir ?? join(config.dataDir, 'backups'), backupName());
  await backupDatabase(databaseFile(config), target);
  process.stdout.write(`Backup written to ${target} (integrity check: ok).\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    const prefix = error instanceof ConfigError ? 'Configuration error: ' : 'Backup failed: ';
    process.stderr.write(`${prefix}${message}\n`);
    process.exit(1);
  },
);
