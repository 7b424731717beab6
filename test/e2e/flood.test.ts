import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, sleep, startWorld, type World } from './harness.js';

describe('flood limit', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('answers a burst up to the limit, warns once, then stays silent', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Spammer', language_code: 'en' });
    const mark = emu.mark();
    for (let i = 0; i < 25; i++) emu.sendCommand(user, '/help');
    // Telegram paces the replies to one chat (429s, waited out by the bot): count delivered ones.
    const replies = () =>
      emu.calls
        .slice(mark)
        .filter((c) => c.ok && c.method === 'sendMessage' && c.params.chat_id === user.id);
    await eventually(() => replies().length >= 9, 'eight answers and a warning', 30_000);
    // Then silence. The flood limit drops the other sixteen as they arrive, long before the
    // ninth paced reply goes out, so nothing is left that could still answer; the pause only
    // catches a reply already on its way.
    await sleep(1000);
    const texts = replies().map((c) => String(c.params.text));
    assert.equal(texts.filter((t) => t.startsWith('You are sending messages too fast')).length, 1);
    assert.equal(texts.filter((t) => t.startsWith('How to use PrimeLingo')).length, 8);
  });
});
