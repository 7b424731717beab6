/**
 * The fault run at full size: the scenario of test/e2e/faults.test.ts (users search and
 * download, an admin uploads and broadcasts, through latency, 5xx bursts, dropped connections
 * and a 429 storm) with a storm whose retry_after is 30 s and more, which `npm test` does not
 * wait for. Checks the same outcome (it throws if one fails) and prints the figures.
 *
 *   npx tsx test/bench/faults.ts [--users 50] [--audience 300] [--storm 35]
 */
import { parseArgs } from 'node:util';
import { faultRun } from '../e2e/fault-run.js';

const { values } = parseArgs({
  options: {
    users: { type: 'string', default: '50' },
    audience: { type: 'string', default: '300' },
    storm: { type: 'string', default: '35' },
  },
});
const users = Number(values.users);
const audience = Number(values.audience);
const stormSeconds = Number(values.storm);
if (!(Number.isInteger(users) && users >= 1)) throw new Error('--users wants a whole number');
if (!(Number.isInteger(audience) && audience > users))
  throw new Error('--audience wants more than --users');
if (!(stormSeconds >= 1)) throw new Error('--storm wants seconds');

const figures = await faultRun({ users, audience, stormSeconds });
console.log(`fault run: ${users} users, ${audience} recipients, a ${stormSeconds} s 429 storm`);
console.log(JSON.stringify(figures, null, 2));
