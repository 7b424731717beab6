import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { Bot, GrammyError } from 'grammy';
import { answerQueriesQuietly } from '../../../src/bot/query-answers.js';
import { createLogger } from '../../../src/logger.js';
import { Emulator } from '../../emulator/index.js';

describe('answerQueriesQuietly', () => {
  let emu: Emulator;
  let bot: Bot;
  beforeEach(async () => {
    emu = await Emulator.start();
    bot = new Bot(emu.token, { client: { apiRoot: emu.apiRoot } });
    bot.api.config.use(answerQueriesQuietly(createLogger({ level: 'silent', secrets: [] })));
  });
  afterEach(() => emu.stop());

  it('takes a refused answer as done, and leaves other calls alone', async () => {
    const user = emu.user({ started: true });
    const card = await bot.api.sendMessage(user.id, 'card', {
      reply_markup: { inline_keyboard: [[{ text: 'Download', callback_data: 'dl:1' }]] },
    });
    const press = emu.pressButton(user, card, 'dl:1').callback_query?.id ?? '';
    emu.advanceClock(60_000);
    assert.equal(await bot.api.answerCallbackQuery(press), true);
    const refused = emu.calls.find((c) => c.method === 'answerCallbackQuery');
    assert.match(String(refused?.error?.description), /query is too old/);

    await assert.rejects(bot.api.sendMessage(424242, 'nobody'), GrammyError);
  });

  it('takes a late inline answer as done', async () => {
    const user = emu.user({ started: true });
    const query = emu.inlineQuery(user, 'grammar').inline_query?.id ?? '';
    emu.advanceClock(60_000);
    assert.equal(await bot.api.answerInlineQuery(query, []), true);
    const refused = emu.calls.find((c) => c.method === 'answerInlineQuery');
    assert.match(String(refused?.error?.description), /query is too old/);
  });
});
