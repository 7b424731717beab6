/**
 * Broadcast benchmark: the rate the real bot process achieves against the emulator with its
 * flood limits ENFORCED (the emulator's defaults: 30 messages/s in all, 1/s per chat, 1000/s
 * with allow_paid_broadcast), once at BROADCAST_RATE and once paid (BROADCAST_PAID=true) at
 * BROADCAST_PAID_RATE, with the bot process's CPU time and peak memory. Prints figures and
 * asserts nothing.
 *
 *   npx tsx test/bench/broadcast.ts [--full] [--quick] [--recipients N] [--only normal|paid]
 *                                   [--rate 25] [--paid-rate 1000]
 *
 * Recipients (the admin, who is in the audience too, counts as one of them):
 *   default       normal rate 1,000, paid 10,000 (what `npm run bench` runs, 1-2 minutes)
 *   --full        normal rate 10,000 as well (at 25/s that alone takes about 400 s)
 *   --quick       1,000 for both runs
 *   --recipients  N for both runs (overrides --full and --quick)
 *
 * Each run has its own emulator (in this process) and bot process (`src/main.ts`, spawned by
 * the e2e harness's startBot). The recipients are inserted into the bot's SQLite and known to
 * the emulator; the admin sends `/broadcast <text>` and presses Send; the run ends with the
 * bot's '📣 Broadcast #<id> finished' report. The achieved rate is measured on the emulator's
 * side, from the first to the last successful broadcast sendMessage (the `at` of the recorded
 * calls): (count - 1) / (last - first). The target is at least 0.95 of the configured rate
 * with no 429 at all. The bot's CPU time (utime + stime) and peak RSS (VmHWM) are read from
 * /proc/<pid> just before it is stopped; both count from the process's start (tsx compiling
 * the sources included), so the CPU time spent during the broadcast alone is shown too.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { User } from 'grammy/types';
import { type Db, openDatabase } from '../../src/db/database.js';
import { type BotProcess, startBot } from '../e2e/harness.js';
import { type CallRecord, Emulator } from '../emulator/index.js';
import { printResult } from './result.js';

const { values } = parseArgs({
  options: {
    recipients: { type: 'string' },
    quick: { type: 'boolean', default: false },
    full: { type: 'boolean', default: false },
    only: { type: 'string' },
    rate: { type: 'string', default: '25' },
    'paid-rate': { type: 'string', default: '1000' },
  },
});
const FULL = 10_000;
const QUICK = 1000;
const count = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 2) throw new Error(`${name} wants a count of 2 or more`);
  return value;
};
const explicit = count('--recipients', values.recipients);
if (values.quick && values.full) throw new Error('--quick and --full contradict each other');
const rate = Number(values.rate);
const paidRate = Number(values['paid-rate']);
if (!(rate > 0 && rate <= 30)) throw new Error('--rate wants messages per second, at most 30');
if (!(paidRate > 0 && paidRate <= 1000)) throw new Error('--paid-rate wants at most 1000');
if (values.only !== undefined && values.only !== 'normal' && values.only !== 'paid') {
  throw new Error('--only wants normal or paid');
}

interface Run {
  name: string;
  paid: boolean;
  recipients: number;
  /** Messages per second the bot is configured for in this run. */
  rate: number;
  /** Why this many recipients, for the output. */
  note: string;
}

const normalRecipients = explicit ?? (values.full ? FULL : QUICK);
const runs: Run[] = [
  {
    name: 'normal',
    paid: false,
    recipients: normalRecipients,
    rate,
    note:
      explicit !== undefined
        ? '--recipients'
        : values.full
          ? '--full'
          : `default; --full for ${FULL.toLocaleString('en')} (about ${Math.round(FULL / rate)} s)`,
  },
  {
    name: 'paid',
    paid: true,
    recipients: explicit ?? (values.quick ? QUICK : FULL),
    rate: paidRate,
    note: explicit !== undefined ? '--recipients' : values.quick ? '--quick' : 'default',
  },
].filter((run) => values.only === undefined || run.name === values.only);

const TEXT = 'Bench broadcast: a new lesson is out!';
const ticks = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The process's CPU seconds (user + system, all threads) and peak RSS in MB, if readable. */
function sample(pid: number | undefined): { cpu: number; peakMb: number } | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may hold spaces:
    // state is field 3, utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const hwm = /^VmHWM:\s+(\d+) kB/m.exec(status)?.[1];
    return { cpu, peakMb: Number(hwm) / 1024 };
  } catch {
    return undefined;
  }
}

/** SIGTERM (a graceful shutdown), then SIGKILL if it takes over 15 s; the exit code. */
async function stopBot(bot: BotProcess): Promise<number | null | 'killed'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'late'>((resolve) => {
    timer = setTimeout(() => resolve('late'), 15_000);
  });
  const code = await Promise.race([bot.stop('SIGTERM'), late]);
  clearTimeout(timer);
  if (code !== 'late') return code;
  await bot.stop('SIGKILL');
  return 'killed';
}

/** Which calls were answered 429, e.g. ': sendMessage to the admin x1'. */
function describe429s(calls: readonly CallRecord[], adminId: number): string {
  const counts = new Map<string, number>();
  for (const call of calls) {
    if (call.error?.error_code !== 429) continue;
    const to = call.params.chat_id === adminId ? 'the admin' : 'a learner';
    const key = `${call.method} to ${to}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const parts = [...counts].map(([key, n]) => `${key} x${n}`);
  return parts.length > 0 ? `: ${parts.join(', ')}` : '';
}

type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

async function bench(run: Run): Promise<{ report: [string, string][]; achieved: number }> {
  const emu = await Emulator.start();
  const admin: User = emu.user({ first_name: 'Admin', language_code: 'en' });
  let bot: BotProcess | undefined;
  let progress: NodeJS.Timeout | undefined;
  let db: Db | undefined;
  try {
    bot = await startBot(emu, {
      env: {
        ADMIN_IDS: String(admin.id),
        // The production default; the harness waits for the 'bot started' line it logs.
        LOG_LEVEL: 'info',
        BROADCAST_RATE: String(rate),
        BROADCAST_PAID: String(run.paid),
        BROADCAST_PAID_RATE: String(paidRate),
        // As `npm start` runs it, with the admin API.
        APP_ROLE: 'all',
      },
    });
    db = await openDatabase(join(bot.dataDir, 'primelingo.sqlite'));

    // The admin joins the audience when the bot sees /broadcast: the learners are the rest.
    const learners = Array.from({ length: run.recipients - 1 }, (_, i) =>
      emu.user({ first_name: `Learner${i}`, started: true }),
    );
    for (let i = 0; i < learners.length; i += 500) {
      const rows = learners.slice(i, i + 500).map((u) => ({ id: u.id, first_name: u.first_name }));
      await db.insertInto('users').values(rows).execute();
    }

    const mark = emu.mark();
    emu.sendCommand(admin, `/broadcast ${TEXT}`);
    const confirm = await emu.waitForCall(
      'sendMessage',
      (c) => c.ok && c.params.chat_id === admin.id,
      { after: mark, timeoutMs: 15_000 },
    );
    const audience = /go to ([\d,]+) users/.exec(String(confirm.params.text))?.[1];
    const button = (confirm.params.reply_markup as Keyboard).inline_keyboard[0]?.[0];
    const message = emu.messages(admin.id).find((m) => m.message_id === confirm.result?.message_id);
    if (!button?.callback_data.startsWith('bc-send:') || !message) {
      throw new Error(`no Send button: ${JSON.stringify(confirm.params)}`);
    }
    const id = Number(button.callback_data.split(':')[1]);

    const before = sample(bot.child.pid);
    const ownBefore = process.cpuUsage();
    const pressedAt = Date.now();
    const sends = () =>
      emu.calls
        .slice(mark)
        .filter((c) => c.ok && c.method === 'sendMessage' && c.params.text === TEXT);
    progress = setInterval(() => {
      const seconds = Math.round((Date.now() - pressedAt) / 1000);
      console.log(`  ${run.name}: ${sends().length} of ${run.recipients} sent after ${seconds} s`);
    }, 30_000);
    emu.pressButton(admin, message, button.callback_data);
    const expectedMs = (run.recipients / run.rate) * 1000;
    const final: CallRecord = await emu.waitForCall(
      'editMessageText',
      (c) => c.ok && String(c.params.text).startsWith(`📣 Broadcast #${id} finished`),
      { after: mark, timeoutMs: 3 * expectedMs + 60_000 },
    );
    clearInterval(progress);
    // Just before stopping the bot: it is idle, the broadcast is over.
    const after = sample(bot.child.pid);
    const own = process.cpuUsage(ownBefore);

    const sent: CallRecord[] = sends();
    const first = sent[0];
    const last = sent.at(-1);
    const spanMs = first && last ? last.at - first.at : 0;
    const achieved = spanMs > 0 ? ((sent.length - 1) / spanMs) * 1000 : 0;
    const delivered = new Set(sent.map((c) => c.params.chat_id)).size;
    const mb = (value: number | undefined) => (value === undefined ? 'n/a' : value.toFixed(1));
    const during = after && before ? (after.cpu - before.cpu).toFixed(2) : 'n/a';
    const cpu = after
      ? `${after.cpu.toFixed(2)} s in all, ${during} s during the broadcast`
      : 'n/a (no /proc)';
    const setting = run.paid ? 'BROADCAST_PAID=true, BROADCAST_PAID_RATE' : 'BROADCAST_RATE';
    const report: [string, string][] = [
      ['recipients', `${run.recipients.toLocaleString('en')} (${run.note})`],
      ['audience', `${audience ?? '?'} per the bot; ${delivered.toLocaleString('en')} got it`],
      ['configured', `${run.rate} msg/s (${setting})`],
      ['achieved', `${achieved.toFixed(2)} msg/s (${sent.length} sends in ${spanMs} ms)`],
      ['ratio', `${(achieved / run.rate).toFixed(3)} (target >= 0.95)`],
      ['429s', `${emu.stats.tooManyRequests} (target 0)${describe429s(emu.calls, admin.id)}`],
      ['wall time', `${((final.at - pressedAt) / 1000).toFixed(1)} s (Send -> final report)`],
      ['bot CPU', cpu],
      ['bot peak RSS', `${mb(after?.peakMb)} MB (VmHWM)`],
      [
        'emulator CPU',
        `${((own.user + own.system) / 1e6).toFixed(2)} s during the broadcast (this process)`,
      ],
    ];
    return { report, achieved };
  } finally {
    clearInterval(progress);
    const code = bot ? await stopBot(bot) : 0;
    if (code !== 0) console.log(`  (the bot exited with ${code})`);
    await db?.destroy();
    await emu.stop();
    if (bot) await rm(bot.dataDir, { recursive: true, force: true });
  }
}

console.log(
  `Broadcast: achieved rate / configured rate, emulator limits enforced (30/s, 1/s per chat, ` +
    `paid 1000/s); CLK_TCK ${ticks}`,
);
for (const run of runs) {
  console.log(`\n${run.name === 'paid' ? 'Paid broadcast' : 'Normal broadcast'}`);
  const { report, achieved } = await bench(run);
  for (const [label, value] of report) console.log(`${`${label}:`.padEnd(14)}${value}`);
  printResult({
    paid: run.paid ? 1 : 0,
    recipients: run.recipients,
    perSecond: Math.round(achieved * 100) / 100,
    configured: run.rate,
  });
}
