/**
 * Download benchmark: the bot-side time from a press on a card's download button to the
 * bot's sendDocument, through the real bot process and the emulator. Many users open a card
 * (/start f_<id>, not timed) and press download, in rounds; each press is timed from the
 * moment its callback_query is queued to the moment the emulator receives the sendDocument
 * (`at` of the recorded call), which includes the bot's polling, answerCallbackQuery and the
 * "downloading" message before it. Prints figures and asserts nothing.
 *
 *   npx tsx test/bench/download.ts [--users 100] [--rounds 3] [--spread 1000] [--limits]
 *
 * By default the emulator's flood limits are off, so the figures are the bot's own time;
 * --limits turns Telegram's (30 messages/s in all, about 1/s per chat) back on, and the
 * figures then include waiting out 429s.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Message, User } from 'grammy/types';
import { findFile } from '../../src/db/files.js';
import type { LibraryFile } from '../../src/db/schema.js';
import { startWorld } from '../e2e/harness.js';
import { addTestFile, dataOf, openCard, sentMessage } from '../e2e/library-helpers.js';
import { percentile, printResult } from './result.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    spread: { type: 'string', default: '1000' },
    files: { type: 'string', default: '20' },
    limits: { type: 'boolean', default: false },
  },
});
const userCount = Number(values.users);
const rounds = Number(values.rounds);
const spreadMs = Number(values.spread);
const fileCount = Number(values.files);
for (const [name, value] of Object.entries({ userCount, rounds, fileCount })) {
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} wants a count`);
}
if (!Number.isFinite(spreadMs) || spreadMs < 0) throw new Error('--spread wants milliseconds');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const ms = (value: number) => `${value.toFixed(1)} ms`;

const world = await startWorld({
  // The production defaults (the admin API beside the bot, as `npm start`); the harness waits
  // for the 'bot started' line it logs.
  env: { LOG_LEVEL: 'info', APP_ROLE: 'all' },
  emulator: values.limits ? {} : { globalRate: null, perChatRate: null },
});
try {
  const { emu } = world;
  const db = await world.db();
  const files: LibraryFile[] = [];
  for (let n = 0; n < fileCount; n++) {
    files.push(await addTestFile(emu, db, { title: `Bench lesson ${n}`, tags: ['bench'] }));
  }
  const users: User[] = Array.from({ length: userCount }, (_, i) =>
    emu.user({ first_name: `Bench${i}`, language_code: 'en' }),
  );

  const latencies: number[] = [];
  const started = performance.now();
  for (let round = 0; round < rounds; round++) {
    // Cards first, untimed; then every user presses download once, spread over the round.
    const cards: Message[] = await Promise.all(
      users.map(async (user, i) => {
        const file = files[(i + round) % files.length] as LibraryFile;
        return sentMessage(await openCard(emu, user, file.id));
      }),
    );
    const presses = users.map(async (user, i) => {
      await sleep((spreadMs * i) / users.length);
      const card = cards[i] as Message;
      const mark = emu.mark();
      const pushedAt = Date.now();
      emu.pressButton(user, card, dataOf(card, /⬇️/));
      const sent = await emu.waitForCall(
        'sendDocument',
        (c) => c.ok && c.params.chat_id === user.id,
        { after: mark, timeoutMs: 60_000 },
      );
      latencies.push(sent.at - pushedAt);
    });
    await Promise.all(presses);
    // Let the bot finish recording and tidying before the next round's cards.
    await sleep(200);
  }
  const elapsed = performance.now() - started;

  // The floor a download stands against: one sendMessage round trip from this process to the
  // emulator (after the presses, so the bot is idle), timed the same way.
  const trips: number[] = [];
  const learner = users[0] as User;
  for (let i = 0; i < 100; i++) {
    const pushedAt = Date.now();
    const response = await fetch(`${emu.apiRoot}/bot${emu.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: learner.id, text: `round trip ${i}` }),
    });
    if (!response.ok) throw new Error(`sendMessage: ${response.status}`);
    await response.json();
    trips.push(Date.now() - pushedAt);
  }
  trips.sort((a, b) => a - b);

  let counted = 0;
  for (const file of files) counted += (await findFile(db, file.id))?.downloads_count ?? 0;
  const sorted = [...latencies].sort((a, b) => a - b);
  const report: [string, string][] = [
    ['presses', `${latencies.length} (${userCount} users x ${rounds} rounds, ${fileCount} files)`],
    ['spread', `${spreadMs} ms per round`],
    ['flood limits', values.limits ? 'Telegram-like (30/s, 1/s per chat)' : 'off'],
    ['counted', `${counted} downloads recorded`],
    ['p50', ms(percentile(sorted, 50))],
    ['p95', ms(percentile(sorted, 95))],
    ['p99', ms(percentile(sorted, 99))],
    ['max', ms(sorted.at(-1) ?? 0)],
    [
      'sendMessage',
      `one round trip p50 ${ms(percentile(trips, 50))}, p95 ${ms(percentile(trips, 95))}`,
    ],
    ['wall time', `${(elapsed / 1000).toFixed(1)} s`],
  ];
  console.log('Download: press -> sendDocument, bot side, through the emulator');
  for (const [label, value] of report) console.log(`${`${label}:`.padEnd(14)}${value}`);
  printResult({
    presses: latencies.length,
    p95Ms: percentile(sorted, 95),
    sendMessageP95Ms: percentile(trips, 95),
  });
} finally {
  await world.close();
}
