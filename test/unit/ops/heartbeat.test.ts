import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createPool } from '../../../src/library/pool.js';
import { assessReadiness } from '../../../src/ops/heartbeat.js';

const NOW = 1_800_000_000_000;
const beat = {
  name: 'bot',
  telegram_at: NOW - 1000,
  pool_accepting: 1,
  pool_busy: 1,
  pool_queued: 0,
  broadcast_id: 4,
  version: '0.1.0',
  started_at: NOW - 60_000,
  updated_at: NOW - 2000,
};

describe('assessReadiness', () => {
  it('names the pool once it stops taking jobs, as a fresh heartbeat reports', async () => {
    const pool = createPool();
    assert.equal(pool.status().accepting, true);
    await pool.close();
    const { accepting } = pool.status();
    assert.equal(accepting, false);
    const readiness = assessReadiness(
      () => ({ ...beat, pool_accepting: accepting ? 1 : 0 }),
      5000,
      NOW,
    );
    assert.deepEqual([readiness.ready, readiness.failing], [false, ['pool']]);
  });

  it('reads the heartbeat: uptime, running broadcast, and the windows of HEARTBEAT_SECONDS', () => {
    const ok = assessReadiness(() => beat, 5000, NOW);
    assert.deepEqual([ok.ready, ok.bot.uptimeSeconds, ok.bot.broadcastId], [true, 58, 4]);
    // 30 s without a heartbeat is still up; 31 s is down, and what it reported is unknown.
    assert.equal(assessReadiness(() => beat, 5000, NOW + 28_000).ready, true);
    const stale = assessReadiness(() => beat, 5000, NOW + 29_001);
    assert.deepEqual(
      [stale.failing, stale.telegram.state, stale.pool.state],
      [['bot'], 'unknown', 'unknown'],
    );
    const noContact = assessReadiness(() => ({ ...beat, telegram_at: NOW - 61_000 }), 5000, NOW);
    assert.deepEqual(noContact.failing, ['telegram']);
    const noBot = assessReadiness(() => undefined, 5000, NOW);
    assert.deepEqual(noBot.failing, ['bot']);
  });
});
