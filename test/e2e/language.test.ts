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

  it('takes a press on a menu deleted meanwhile without an apology', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Boris', language_code: 'en' });
    const menu = await world.ask(user, '/lang', 'Choose your language:');
    const sent = emu.messages(user.id).at(-1);
    assert.ok(sent && sent.message_id === menu.result?.message_id);
    // The press left the client before the menu's deletion reached it: nothing to edit.
    const mark = emu.mark();
    emu.pressButton(user, { ...sent, message_id: sent.message_id + 1000 }, 'lang:ru');
    await emu.waitForCall('editMessageText', (c) => c.params.chat_id === user.id && !c.ok, {
      after: mark,
    });
    // The choice is made all the same, and the chat goes on in it.
    await world.ask(user, '/help', /^Как пользоваться/);
    assert.ok(
      !emu.calls
        .slice(mark)
        .some((c) => /^(Sorry|Извините|Kechirasiz)/.test(String(c.params.text))),
    );
  });
});
