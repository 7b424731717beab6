import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { REPO } from '../paths.js';

const require = createRequire(REPO);
const { apps } = require('./ecosystem.config.cjs') as { apps: Record<string, unknown>[] };
const app = (name: string) => {
  const found = apps.find((candidate) => candidate.name === name);
  assert.ok(found, `${name} is defined`);
  return found;
};

describe('ecosystem.config.cjs', () => {
  it('runs the bot as one forked instance that restarts and may finish its shutdown', () => {
    const bot = app('primelingo-bot');
    assert.equal(bot.exec_mode, 'fork');
    assert.equal(bot.instances, 1);
    assert.equal(bot.autorestart, true);
    assert.equal(bot.script, 'src/main.ts');
    assert.equal(bot.node_args, '--import tsx');
    assert.deepEqual(bot.env, { NODE_ENV: 'production', APP_ROLE: 'bot' });
    // The bot forces its exit 10 s after a signal; PM2 must not SIGKILL it before that.
    assert.ok(Number(bot.kill_timeout) > 10_000);
  });

  it('runs the admin API as a separate app that may have several instances', () => {
    const api = app('primelingo-api');
    assert.equal(api.exec_mode, 'cluster');
    assert.ok(Number(api.instances) >= 2);
    assert.equal(api.script, 'src/main.ts');
    assert.deepEqual(api.env, { NODE_ENV: 'production', APP_ROLE: 'api' });
    assert.ok(Number(api.kill_timeout) > 10_000);
  });
});
