import assert from 'node:assert/strict';
import { rename } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Emulator } from '../emulator/index.js';
import { untilReadiness } from './api-client.js';
import { type BotProcess, startBot, startWorld, type World } from './harness.js';

// Heartbeats every 0.5 s: a heartbeat is stale after 3 s, Telegram unreachable after 6 s.
const FAST = { HEARTBEAT_SECONDS: '0.5' };

describe('GET /health/ready, one process (npm start)', () => {
  let world: World;
  let api: string;
  before(async () => {
    world = await startWorld({ env: { ...FAST, APP_ROLE: 'all' } });
    api = await world.bot.apiUrl();
  });
  after(() => world.close());

  it('answers 200 with every part up', async () => {
    const body = await untilReadiness(api, 200, [], 'ready');
    assert.equal(body.ready, true);
    assert.deepEqual(
      [body.database.state, body.bot.state, body.telegram.state, body.pool.state],
      ['up', 'up', 'up', 'up'],
    );
    assert.equal(body.bot.version, '0.1.0');
    assert.deepEqual([body.pool.busy, body.pool.queued], [0, 0]);
  });

  it('names telegram while the Bot API does not answer getUpdates, and recovers', async () => {
    await untilReadiness(api, 200, [], 'ready');
    // Every getUpdates waits 12 s for its answer: the bot hears nothing for longer than 6 s.
    world.emu.latency(12_000, 'getUpdates');
    const down = await untilReadiness(api, 503, ['telegram'], 'telegram down');
    assert.ok((down.telegram.lastContactAgeSeconds ?? 0) >= 6);
    world.emu.latency(0, 'getUpdates');
    await untilReadiness(api, 200, [], 'telegram back');
  });

  it('names the database while its file is gone, and recovers when it is back', async () => {
    // root ignores file modes, so chmod cannot make it unreadable: the file is moved away, as
    // a mistaken delete or a failed disk would leave it. The probe opens the file afresh.
    const file = join(world.bot.dataDir, 'primelingo.sqlite');
    await rename(file, `${file}.away`);
    try {
      const down = await untilReadiness(api, 503, ['database'], 'database down');
      assert.equal(down.bot.state, 'unknown');
    } finally {
      await rename(`${file}.away`, file);
    }
    await untilReadiness(api, 200, [], 'database back');
  });
});

describe('GET /health/ready, two processes (APP_ROLE=bot and api)', () => {
  let emu: Emulator;
  let bot: BotProcess;
  let apiProcess: BotProcess;
  let api: string;
  before(async () => {
    emu = await Emulator.start();
    bot = await startBot(emu, { env: { ...FAST, APP_ROLE: 'bot' } });
    apiProcess = await startBot(emu, {
      dataDir: bot.dataDir,
      env: { ...FAST, APP_ROLE: 'api' },
      ready: false,
    });
    api = await apiProcess.apiUrl(90_000);
  });
  after(async () => {
    await Promise.all([bot.stop('SIGKILL'), apiProcess.stop('SIGKILL')]);
    await emu.stop();
  });

  it('goes 503 naming the bot once the killed bot’s heartbeat is stale, and 200 after a restart', async () => {
    await untilReadiness(api, 200, [], 'ready');
    await bot.stop('SIGKILL');
    const down = await untilReadiness(api, 503, ['bot'], 'the bot down');
    assert.ok((down.bot.heartbeatAgeSeconds ?? 0) >= 3);
    assert.deepEqual([down.telegram.state, down.pool.state], ['unknown', 'unknown']);
    bot = await startBot(emu, { dataDir: bot.dataDir, env: { ...FAST, APP_ROLE: 'bot' } });
    await untilReadiness(api, 200, [], 'the bot back');
  });
});
