import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { hashPassword } from '../api/passwords.js';
import { databaseFile, loadEnvironment } from '../config.js';
import { findAccountByUsername, updateAccount } from '../db/admins.js';
import { openDatabase } from '../db/database.js';
import { clearLoginFailures } from '../db/login-failures.js';
import { runCommand } from './command.js';

const USAGE =
  'usage: npm run admin -- reset-password <username>  (the new password on standard input)';
const MIN_PASSWORD = 8;

/**
 * Admin account chores from the command line. `reset-password <username>` sets the password
 * read from the first line of standard input and ends the account's tokens.
 */
async function main(args: string[]): Promise<number> {
  const [command, username, ...rest] = args;
  if (command !== 'reset-password' || !username || rest.length > 0) {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const config = loadEnvironment();
  // Typed at a terminal, the password is not echoed.
  if (process.stdin.isTTY) process.stderr.write('New password (not shown): ');
  const password = await firstLine();
  if (password.length < MIN_PASSWORD) {
    process.stderr.write(`The password must be at least ${MIN_PASSWORD} characters.\n`);
    return 1;
  }
  const db = await openDatabase(databaseFile(config));
  try {
    const account = await findAccountByUsername(db, username);
    if (!account) {
      process.stderr.write(`There is no account ${username}.\n`);
      return 1;
    }
    await updateAccount(db, account.id, { password_hash: await hashPassword(password) }, true);
    // A reset is the way out of a lock-out: the failed logins that caused it are forgotten.
    await clearLoginFailures(db, username);
    process.stdout.write(`The password of ${username} is changed; its tokens are revoked.\n`);
    return 0;
  } finally {
    await db.destroy();
  }
}

async function firstLine(): Promise<string> {
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const lines = createInterface({
    input: process.stdin,
    output: process.stdin.isTTY ? silent : undefined,
    terminal: process.stdin.isTTY,
  });
  for await (const line of lines) {
    lines.close();
    return line;
  }
  return '';
}

runCommand(main);
