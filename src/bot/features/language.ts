import type { I18n } from '@grammyjs/i18n';
import { Composer } from 'grammy';
import { setLanguage } from '../../db/users.js';
import { ignoreStaleEdit } from '../../telegram-errors.js';
import { languageData } from '../callback-data.js';
import type { Context } from '../context.js';
import { isLanguage } from '../i18n.js';
import { languageKeyboard } from '../keyboards/language.js';

/** /lang and its buttons: the choice is stored on the user and wins over Telegram's. */
export function languageFeature(i18n: I18n<Context>): Composer<Context> {
  const feature = new Composer<Context>();
  const privateChat = feature.chatType('private');

  privateChat.command('lang', async (ctx) =>
    ctx.reply(ctx.t('lang-choose'), {
      reply_markup: languageKeyboard(i18n, await ctx.i18n.getLocale()),
    }),
  );

  privateChat.callbackQuery(languageData.filter, async (ctx) => {
    const { code } = languageData.unpack(ctx.callbackQuery.data);
    if (!isLanguage(code)) return ctx.answerCallbackQuery();
    await setLanguage(ctx.db, ctx.from.id, code);
    ctx.i18n.useLocale(code);
    await ctx.answerCallbackQuery();
    await ctx
      .editMessageText(ctx.t('lang-changed'), { reply_markup: languageKeyboard(i18n, code) })
      .catch(ignoreStaleEdit);
  });

  return feature;
}
