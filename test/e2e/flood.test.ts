import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, sleep, startWorld, type World } from './harness.js';

describe('flood limit', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ emulator: { perChatRate: null } });
  });
  after(() => world.close());

  it('answers a burst up to the limit, warns once, then stays silent', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Spammer', language_code: 'en' });
    const mark = emu.mark();
    for (let i = 0; i < 25; i++) emu.sendCommand(user, '/help');
    const replies = () =>
      emu.calls
        .slice(mark)
        .filter((c) => c.method === 'sendMessage' && c.params.chat_id === user.id);
    await eventually(() => replies().length >= 9, 'eight answers and a warning');
    // Then silence: nothing more arrives for the other sixteen.
    await sleep(300);
    const texts = emu.calls
      .slice(mark)
      .filter((c) => c.method === 'sendMessage' && c.params.chat_id === user.id)
      .map((c) => String(c.params.text));
    assert.equal(texts.filter((t) => t.startsWith('You are sending messages too fast')).length, 1);
    assert.equal(texts.filter((t) => t.startsWith('How to use PrimeLingo')).length, 8);
  });
});
