/**
 * Idle memory: the resident memory (VmRSS) of the bot process and of the admin API process,
 * as PM2 runs them (APP_ROLE=bot and APP_ROLE=api on one DATA_DIR), once started and left
 * alone for a while. Both run under tsx, as `npm start` does. Asserts nothing.
 *
 *   npx tsx test/bench/idle.ts [--seconds 10]
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type BotProcess, sleep, startBot } from '../e2e/harness.js';
import { Emulator } from '../emulator/index.js';
import { printResult } from './result.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' } } });
const seconds = Number(values.seconds);
if (!(seconds >= 0)) throw new Error('--seconds wants a number');

/** The process's resident memory in MB, from /proc. */
function rssMb(process: BotProcess): number {
  const status = readFileSync(`/proc/${process.child.pid}/status`, 'utf8');
  return Math.round(Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]) / 102.4) / 10;
}

const emu = await Emulator.start();
const dataDir = await mkdtemp(join(tmpdir(), 'primelingo-'));
const started: BotProcess[] = [];
const track = (process: BotProcess) => {
  started.push(process);
  return process;
};
try {
  const env = {
    LOG_LEVEL: 'info',
    ADMIN_USERNAME: 'root',
    ADMIN_PASSWORD: 'a long enough password',
  };
  // Both at once, as PM2 starts them.
  const [bot, api] = await Promise.all([
    startBot(emu, { dataDir, env: { ...env, APP_ROLE: 'bot' } }).then(track),
    startBot(emu, {
      dataDir,
      env: { ...env, APP_ROLE: 'api' },
      ready: false,
    }).then(track),
  ]);
  await api.apiUrl();
  await sleep(seconds * 1000);
  const figures = { botRssMb: rssMb(bot), apiRssMb: rssMb(api) };
  console.log(`bot process:  ${figures.botRssMb} MB resident, idle ${seconds} s after start`);
  console.log(`API process:  ${figures.apiRssMb} MB resident, idle ${seconds} s after start`);
  printResult(figures);
} finally {
  await Promise.all(started.map((process) => process.stop('SIGTERM')));
  await emu.stop();
  await rm(dataDir, { recursive: true, force: true });
}
