import { parseArgs } from 'node:util';
import { type Deployment, runCrashes, seedFrom } from '../e2e/crash-run.js';

// The crash test at full size: `npx tsx test/bench/crash.ts [--kills 100] [--deployment one|two]`;
// CRASH_SEED replays a run. It fails (exit 1) on the first broken promise.
const { values } = parseArgs({
  options: { kills: { type: 'string', default: '100' }, deployment: { type: 'string' } },
});
const seed = seedFrom('CRASH_SEED');
const deployments: Deployment[] = values.deployment
  ? [values.deployment as Deployment]
  : ['one', 'two'];
for (const deployment of deployments) {
  console.log(`crash (${deployment}): CRASH_SEED=${seed}, ${values.kills} kills`);
  const started = Date.now();
  const report = await runCrashes({
    deployment,
    kills: Number(values.kills),
    seed,
    log: (line) => console.log(`  ${line}`),
  });
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`crash (${deployment}): ${JSON.stringify(report)} in ${seconds} s`);
}
