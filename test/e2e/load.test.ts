import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runLoad } from './load.js';

const USERS = 150;

/**
 * Item 4 of the hardening issue, at a size `npm test` can afford (the benchmark runs 1,000
 * users and a 10-minute soak). Telegram's limits are on: 30 messages a second in all, so 150
 * users' rounds (search, card, "downloading" notice, file: four messages each) and a broadcast
 * to all of them need 750 messages, 25 s of the bot's budget at best.
 */
describe('load', () => {
  it('answers 150 users who search, open cards and download at once, while a broadcast runs and the admin API is polled', async () => {
    const report = await runLoad({
      users: USERS,
      rampMs: 5000,
      durationMs: 0,
      thinkMs: 1000,
      sampleEveryMs: 5000,
      // The queue for Telegram's budget is the users' wait: 25 s of messages, on a busy machine.
      stepTimeoutMs: 90_000,
    });
    assert.deepEqual(report.errors, []);
    assert.equal(report.answered, USERS);
    // Users who finish a round while others still start theirs begin another.
    assert.ok(report.rounds >= USERS, `${report.rounds} rounds`);
    for (const step of ['search', 'card', 'download'] as const) {
      assert.equal(report.latencyMs[step].count, report.rounds, step);
    }
    assert.equal(report.broadcast.sent, USERS);
    assert.equal(report.broadcast.total, USERS);
    // The bot kept within the limits: its messages waited in its outbox, not for 429s.
    assert.deepEqual(report.tooManyRequests, []);
    // The heap after a full collection at the end against the idle bot's: what the run left
    // behind. Warming up (code compiled at first use, the statement and translation caches)
    // measured about 4 MB; users' own state (flood windows) is under 1 kB each. A leak that
    // kept, say, 10 kB per handled update would add 7.5 MB over the run's 750, so 10 MB
    // tells warming up from a leak.
    const idle = report.memory[0]?.heapMb ?? 0;
    const end = report.memory.at(-1)?.heapMb ?? 0;
    assert.ok(end - idle < 10, `heap grew from ${idle} MB to ${end} MB`);
  });
});
