import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Context } from 'grammy';
import { InFlight } from '../../../src/bot/middlewares/in-flight.js';

const update = (id: number) => ({ update: { update_id: id } }) as Context;

describe('InFlight', () => {
  it('drains handlers that are still running, including failed ones', async () => {
    const inFlight = new InFlight();
    const finished: number[] = [];
    const slow = Promise.resolve(
      inFlight.middleware(update(7), async () => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        finished.push(7);
      }),
    );
    const failing = Promise.resolve(
      inFlight.middleware(update(6), async () => {
        throw new Error('boom');
      }),
    );
    await assert.rejects(failing, /boom/);
    assert.equal(inFlight.size, 1);
    await inFlight.drain();
    assert.deepEqual(finished, [7]);
    assert.equal(inFlight.size, 0);
    assert.equal(inFlight.lastUpdateId, 7);
    await slow;
  });
});
