import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pressSend, report } from './broadcast-helpers.js';
import { startWorld, type World } from './harness.js';

const ADMIN = 7000;

describe('broadcast, formatting', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ env: { ADMIN_IDS: String(ADMIN) } });
  });
  after(() => world.close());

  it('keeps the formatting on the text after the command, even a one-letter text', async () => {
    const { emu } = world;
    const admin = emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en' });
    const learner = emu.user({ first_name: 'Learner', language_code: 'en' });
    await world.ask(learner, '/start', /^Hello, Learner!/);
    await world.ask(admin, '/start', /^Hello, Admin!/);
    const mark = emu.mark();
    // "/broadcast a" with the "a" in bold, as a client sends it.
    emu.pushUpdate({
      message: {
        message_id: 10_000,
        date: Math.floor(Date.now() / 1000),
        chat: { id: ADMIN, type: 'private', first_name: 'Admin' },
        from: admin,
        text: '/broadcast a',
        entities: [
          { type: 'bot_command', offset: 0, length: 10 },
          { type: 'bold', offset: 11, length: 1 },
        ],
      },
    });
    const id = await pressSend(world, admin, mark);
    const sent = await emu.waitForCall(
      'sendMessage',
      (c) => c.ok && c.params.chat_id === learner.id && c.params.text === 'a',
      { after: mark },
    );
    assert.deepEqual(sent.params.entities, [{ type: 'bold', offset: 0, length: 1 }]);
    await report(world, id, mark);
  });
});
