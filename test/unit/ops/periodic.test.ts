import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { createLogger } from '../../../src/logger.js';
import { Periodic } from '../../../src/ops/periodic.js';

describe('Periodic', () => {
  it('runs at once and then again, never overlapping, past a failing run, until stopped', async () => {
    const lines: string[] = [];
    const logger = createLogger({
      level: 'info',
      secrets: [],
      destination: { write: (line: string) => lines.push(line) },
    });
    let runs = 0;
    let active = 0;
    let overlapped = false;
    const periodic = new Periodic(
      'test task',
      5,
      async () => {
        runs++;
        active++;
        overlapped ||= active > 1;
        await delay(20);
        active--;
        if (runs === 2) throw new Error('second run fails');
      },
      logger,
    );
    periodic.start();
    assert.equal(runs, 1);
    while (runs < 4) await delay(5);
    await periodic.stop();
    const stoppedAt = runs;
    await delay(100);
    assert.equal(runs, stoppedAt);
    assert.equal(active, 0);
    assert.equal(overlapped, false);
    assert.equal(lines.filter((line) => line.includes('second run fails')).length, 1);
  });
});
