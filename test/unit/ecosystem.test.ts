import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';

const require = createRequire(import.meta.url);

describe('ecosystem.config.cjs', () => {
  it('runs the bot as one forked instance that restarts and may finish its shutdown', () => {
    const { apps } = require('../../ecosystem.config.cjs') as { apps: Record<string, unknown>[] };
    const bot = apps.find((app) => app.name === 'primelingo-bot');
    assert.ok(bot);
    assert.equal(bot.exec_mode, 'fork');
    assert.equal(bot.instances, 1);
    assert.equal(bot.autorestart, true);
    assert.equal(bot.script, 'src/main.ts');
    assert.equal(bot.node_args, '--import tsx');
    // The bot forces its exit 10 s after a signal; PM2 must not SIGKILL it before that.
    assert.ok(Number(bot.kill_timeout) > 10_000);
  });
});
