import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { saying, startWorld, type World } from './harness.js';

describe('/lang', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('switches the language, and the choice survives a restart', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Anna', language_code: 'en' });
    const menu = await world.ask(user, '/lang', 'Choose your language:');
    const buttons = (
      menu.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }
    ).inline_keyboard.flat();
    assert.deepEqual(
      buttons.map((b) => b.text),
      ["O'zbekcha", 'Русский', '✅ English'],
    );

    const russian = buttons.find((b) => b.text === 'Русский');
    assert.ok(russian);
    const sent = emu.messages(user.id).at(-1);
    assert.ok(sent);
    const mark = emu.mark();
    emu.pressButton(user, sent, russian.callback_data);
    await emu.waitForCall('editMessageText', saying(user.id, 'Язык выбран: русский.'), {
      after: mark,
    });
    await emu.waitForCall('answerCallbackQuery', undefined, { after: mark });

    await world.restart();
    await world.ask(user, '/start', /^Здравствуйте, Anna!/);
  });
});
