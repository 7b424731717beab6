/**
 * Throughput: updates handled per second end to end through the emulator, against what the
 * emulator alone serves a bot that does nothing. The emulator's flood limits are off, or both
 * would measure Telegram's 30 messages a second. The bot handles inline queries (a library
 * search and one answerInlineQuery each): the updates whose answer is not a message, so the
 * bot's own outbox (which keeps messages within Telegram's limits) does not cap them either.
 * The no-op client, in its own process as the bot is, answers each text with one sendMessage.
 * Both get all the updates at once and are timed from then to the last answer.
 *
 *   npx tsx test/bench/throughput.ts [--updates 3000]
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startWorld } from '../e2e/harness.js';
import { addTestFile } from '../e2e/library-helpers.js';
import { Emulator } from '../emulator/index.js';
import { printResult } from './result.js';

const { values } = parseArgs({ options: { updates: { type: 'string', default: '3000' } } });
const count = Number(values.updates);
if (!Number.isInteger(count) || count < 10)
  throw new Error('--updates wants a count of 10 or more');
const NO_LIMITS = { globalRate: null, perChatRate: null, paidRate: null };
/** Each user sends ten: within the bot's inline flood limit (20 in 10 s). */
const PER_USER = 10;

/** Seconds from pushing every update to the `count`-th answer of `method`. */
async function timed(emu: Emulator, method: string, push: () => void): Promise<number> {
  const mark = emu.mark();
  const started = Date.now();
  push();
  let answered = 0;
  const last = await emu.waitForCall(method, (c) => c.ok && ++answered === count, {
    after: mark,
    timeoutMs: 10 * 60_000,
  });
  return (last.at - started) / 1000;
}

async function noop(): Promise<number> {
  const emu = await Emulator.start(NO_LIMITS);
  try {
    const users = Array.from({ length: count / PER_USER }, () => emu.user({ started: true }));
    const client = spawn(
      process.execPath,
      [
        ...process.execArgv,
        fileURLToPath(new URL('noop-client.ts', import.meta.url)),
        emu.apiRoot,
        emu.token,
        String(count),
      ],
      { stdio: 'inherit' },
    );
    const exited = new Promise((resolve) => client.once('exit', resolve));
    const seconds = await timed(emu, 'sendMessage', () => {
      for (let i = 0; i < count; i++) emu.sendText(users[i % users.length] as never, `hello ${i}`);
    });
    await exited;
    return seconds;
  } finally {
    await emu.stop();
  }
}

async function bot(): Promise<number> {
  // As `npm start` runs it, with the admin API.
  const world = await startWorld({
    env: { LOG_LEVEL: 'info', APP_ROLE: 'all' },
    emulator: NO_LIMITS,
  });
  try {
    const { emu } = world;
    const db = await world.db();
    for (let n = 0; n < 50; n++) {
      await addTestFile(emu, db, { title: `Grammar lesson ${n}`, tags: ['throughput'] });
    }
    const users = Array.from({ length: count / PER_USER }, () => emu.user({ started: true }));
    return await timed(emu, 'answerInlineQuery', () => {
      for (let i = 0; i < count; i++) emu.inlineQuery(users[i % users.length] as never, 'grammar');
    });
  } finally {
    await world.close();
  }
}

const noopSeconds = await noop();
const botSeconds = await bot();
const rate = (seconds: number) => Math.round(count / seconds);
console.log(`updates:          ${count} at once, emulator limits off`);
console.log(`no-op client:     ${rate(noopSeconds)} updates/s (getUpdates + sendMessage)`);
console.log(`bot:              ${rate(botSeconds)} updates/s (inline search + answerInlineQuery)`);
printResult({ updates: count, botPerSecond: rate(botSeconds), noopPerSecond: rate(noopSeconds) });
