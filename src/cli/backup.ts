import { join } from 'node:path';
import { databaseFile, loadEnvironment } from '../config.js';
import { backupDatabase, backupName } from '../db/backup.js';
import { runCommand } from './command.js';

/**
 * `npm run backup [-- <file>]`: a consistent copy of the database, taken while the bot and the
 * API run, into `<file>` or else a new file in BACKUP_DIR (default DATA_DIR/backups).
 */
async function main(args: string[]): Promise<number> {
  if (args.length > 1) {
    process.stderr.write('usage: npm run backup [-- <file>]\n');
    return 2;
  }
  const config = loadEnvironment();
  const target =
    args[0] ?? join(config.backup.dir ?? join(config.dataDir, 'backups'), backupName());
  await backupDatabase(databaseFile(config), target);
  process.stdout.write(`Backup written to ${target} (integrity check: ok).\n`);
  return 0;
}

runCommand(main, 'Backup failed: ');
