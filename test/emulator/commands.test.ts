import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Bot, GrammyError } from 'grammy';
import type { BotCommandScope } from 'grammy/types';
import { Emulator } from './index.js';

const MENU = [{ command: 'start', description: 'Start' }];

describe('emulator command menus', () => {
  let emu: Emulator;
  let bot: Bot;
  beforeEach(async () => {
    emu = await Emulator.start();
    bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
  });
  afterEach(() => emu.stop());

  async function refusal(scope: unknown): Promise<string> {
    const error = await bot.api.setMyCommands(MENU, { scope: scope as BotCommandScope }).then(
      () => undefined,
      (err: unknown) => err,
    );
    assert.ok(error instanceof GrammyError, `expected a refusal for ${JSON.stringify(scope)}`);
    assert.equal(error.error_code, 400);
    return error.description;
  }

  it('keeps one menu per scope and language, with chat scopes in a started private chat', async () => {
    const admin = emu.user({ started: true });
    await bot.api.setMyCommands(MENU, { scope: { type: 'all_private_chats' } });
    await bot.api.setMyCommands([{ command: 'upload', description: 'Upload' }], {
      scope: { type: 'chat', chat_id: admin.id },
      language_code: 'en',
    });
    assert.deepEqual(await bot.api.getMyCommands({ scope: { type: 'all_private_chats' } }), MENU);
    assert.deepEqual(
      await bot.api.getMyCommands({ scope: { type: 'chat', chat_id: admin.id } }),
      [],
    );
    assert.deepEqual(
      await bot.api.getMyCommands({
        scope: { type: 'chat', chat_id: admin.id },
        language_code: 'en',
      }),
      [{ command: 'upload', description: 'Upload' }],
    );
    await bot.api.deleteMyCommands({ scope: { type: 'all_private_chats' } });
    assert.deepEqual(await bot.api.getMyCommands({ scope: { type: 'all_private_chats' } }), []);
  });

  it('refuses scopes the real server refuses, with its texts', async () => {
    const started = emu.user({ started: true });
    const stranger = emu.user();
    const channel = emu.channel();
    assert.equal(
      await refusal({ type: 'everyone' }),
      "Bad Request: can't parse BotCommandScope: Unsupported type specified",
    );
    assert.equal(
      await refusal({ chat_id: started.id }),
      `Bad Request: can't parse BotCommandScope: Can't find field "type"`,
    );
    assert.equal(
      await refusal({ type: 'chat' }),
      `Bad Request: can't parse BotCommandScope: Can't find field "chat_id"`,
    );
    assert.equal(
      await refusal([{ type: 'default' }]),
      "Bad Request: can't parse BotCommandScope: BotCommandScope must be an Object",
    );
    assert.equal(await refusal({ type: 'chat', chat_id: 424242 }), 'Bad Request: chat not found');
    // A user who never opened the bot has no chat with it yet.
    assert.equal(
      await refusal({ type: 'chat', chat_id: stranger.id }),
      'Bad Request: chat not found',
    );
    assert.equal(
      await refusal({ type: 'chat_administrators', chat_id: started.id }),
      "Bad Request: can't use specified scope in private chats",
    );
    assert.equal(
      await refusal({ type: 'chat_member', chat_id: started.id, user_id: started.id }),
      "Bad Request: can't use specified scope in private chats",
    );
    assert.equal(
      await refusal({ type: 'chat', chat_id: channel.id }),
      "Bad Request: can't change commands in channel chats",
    );
  });
});
