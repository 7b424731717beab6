import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Emulator } from '../emulator/index.js';
import { REPO } from '../paths.js';
import { BotProcess, delivered, eventually, saying, sleep, startBot } from './harness.js';

/**
 * Runs what `npm start` runs, the way a newcomer would, but from a fresh directory with only
 * these variables: nothing of the developer's (.env, data/) can leak in.
 */
function npmStart(cwd: string, env: Record<string, string>): BotProcess {
  const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8'));
  assert.equal(pkg.scripts.start, 'node --import tsx src/main.ts');
  const child = spawn(
    process.execPath,
    ['--import', import.meta.resolve('tsx'), join(REPO, 'src/main.ts')],
    {
      cwd,
      env: { PATH: process.env.PATH, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return new BotProcess(child, join(cwd, 'data'));
}

describe('process lifecycle', () => {
  let emu: Emulator;
  let cwd: string;
  before(async () => {
    emu = await Emulator.start();
    cwd = await mkdtemp(join(tmpdir(), 'newcomer-'));
  });
  after(async () => {
    await emu.stop();
    await rm(cwd, { recursive: true, force: true });
  });

  it('without BOT_TOKEN exits 1 with one clear line', async () => {
    const bot = npmStart(cwd, {});
    assert.equal(await bot.exit(), 1);
    const errors = bot.output.filter((line) => /error/i.test(line) && !line.startsWith('npm'));
    assert.deepEqual(errors, ['Configuration error: BOT_TOKEN is required']);
    assert.ok(
      bot.output.every((line) => !/^\s+at /.test(line)),
      'no stack trace',
    );
  });

  it('starts with only BOT_TOKEN and TELEGRAM_API_ROOT, and answers', async () => {
    const bot = npmStart(cwd, { BOT_TOKEN: emu.token, TELEGRAM_API_ROOT: emu.apiRoot });
    try {
      await eventually(() => emu.pollers > 0, 'the bot to poll', 20_000);
      const user = emu.user({ first_name: 'Newcomer', language_code: 'en' });
      const mark = emu.mark();
      emu.sendCommand(user, '/start');
      await emu.waitForCall('sendMessage', saying(user.id, /^Hello, Newcomer!/), { after: mark });
      assert.ok(existsSync(join(cwd, 'data', 'primelingo.sqlite')), 'DATA_DIR defaults to ./data');
    } finally {
      assert.equal(await bot.stop(), 0);
    }
  });

  it('on SIGTERM lets a slow handler finish, exits 0, and the update is not handled again', async () => {
    const bot = await startBot(emu);
    try {
      const user = emu.user({ first_name: 'Patient', language_code: 'en' });
      emu.latency(3000, 'sendMessage');
      const mark = emu.mark();
      const update = emu.sendCommand(user, '/help');
      // Once the update is delivered the handler starts and its reply waits in the emulator.
      await delivered(emu, update, mark);
      await sleep(300);
      const code = await bot.stop('SIGTERM');
      assert.equal(code, 0, bot.output.slice(-8).join('\n'));
      const reply = emu.calls
        .slice(mark)
        .find((c) => c.method === 'sendMessage' && c.params.chat_id === user.id);
      assert.ok(reply?.ok, 'the reply was delivered before exit');
      emu.latency(0);

      // The update was confirmed: a restarted bot does not answer it again.
      const again = await startBot(emu, { dataDir: bot.dataDir });
      // A redelivered update would be handled alongside this probe.
      const probe = emu.user({ first_name: 'Probe' });
      const probeMark = emu.mark();
      emu.sendCommand(probe, '/help');
      await emu.waitForCall('sendMessage', saying(probe.id, /^PrimeLingo'dan foydalanish:/), {
        after: probeMark,
      });
      await sleep(300);
      assert.equal(
        emu.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === user.id).length,
        1,
      );
      assert.equal(await again.stop(), 0);
    } finally {
      await bot.stop('SIGKILL');
      await rm(bot.dataDir, { recursive: true, force: true });
    }
  });

  it('on SIGINT with a handler stuck on a call never answered, gives it up halfway and exits 0 in time', async () => {
    // With the admin API, as `npm start`: PM2 stops with SIGINT, and the API's close is inside
    // the deadline too.
    const bot = await startBot(emu, { env: { SHUTDOWN_TIMEOUT_SECONDS: '2', APP_ROLE: 'all' } });
    try {
      const user = emu.user({ first_name: 'Stuck', language_code: 'en' });
      emu.hang('sendMessage');
      const mark = emu.mark();
      const update = emu.sendCommand(user, '/help');
      await delivered(emu, update, mark);
      await sleep(300);
      const asked = Date.now();
      assert.equal(await bot.stop('SIGINT'), 0, bot.output.slice(-8).join('\n'));
      const took = Date.now() - asked;
      // Given up at 1 s (half of SHUTDOWN_TIMEOUT_SECONDS); the rest is the process's own end.
      assert.ok(took >= 900 && took < 6000, `exited after ${took} ms`);
      await bot.waitForOutput(/could not tell the user about the error/);
      assert.ok(!bot.output.some((line) => /forcing exit/.test(line)));
    } finally {
      await bot.stop('SIGKILL');
      await rm(bot.dataDir, { recursive: true, force: true });
    }
  });
});
