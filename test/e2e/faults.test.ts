import { describe, it } from 'node:test';
import { faultRun } from './fault-run.js';

// The 429 storm's retry_after is real but short here (3 s); test/bench/faults.ts runs the
// same scenario bigger, with a storm of 35 s.
describe('faults: 5xx bursts, dropped connections, latency and a 429 storm', () => {
  it('crashes not, loses nothing, answers everyone, and broadcasts once but for what it reports', async (t) => {
    const figures = await faultRun({ users: 12, audience: 40, stormSeconds: 3 });
    t.diagnostic(JSON.stringify(figures));
  });
});
