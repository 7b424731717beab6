import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkPassword, hashPassword } from '../../src/api/passwords.js';

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;

describe('passwords', () => {
  it('hashes with argon2id and checks the password', async () => {
    const stored = await hashPassword('a long password');
    assert.match(stored, /^\$argon2id\$/);
    assert.equal(await checkPassword(stored, 'a long password'), true);
    assert.equal(await checkPassword(stored, 'another password'), false);
  });

  it('spends as long on an unknown account as on a wrong password', async () => {
    const stored = await hashPassword('a long password');
    await checkPassword(undefined, 'warm-up: the dummy hash is made once');
    const time = async (hash: string | undefined) => {
      const start = performance.now();
      assert.equal(await checkPassword(hash, 'wrong password'), false);
      return performance.now() - start;
    };
    const known: number[] = [];
    const unknown: number[] = [];
    // Interleaved, so load on the machine falls on both alike.
    for (let i = 0; i < 7; i++) {
      known.push(await time(stored));
      unknown.push(await time(undefined));
    }
    // Both verify an argon2id hash (tens of ms); with no dummy hash an unknown account
    // would answer in well under a millisecond.
    assert.ok(
      median(unknown) > median(known) / 2,
      `unknown ${unknown.map(Math.round)} ms, known ${known.map(Math.round)} ms`,
    );
  });
});
