import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sessionPath } from '../../src/bot/session-storage.js';
import { startWorld, type World } from './harness.js';

describe('sessions on disk', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('a torn session file does not wedge its chat', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Torn', language_code: 'en' });
    const file = sessionPath(join(world.bot.dataDir, 'sessions'), String(user.id));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, '{"pendingStart": "f_');

    await world.ask(user, '/start', /^Hello, Torn!/);
    await world.bot.waitForOutput(/unreadable session file/);
  });
});
