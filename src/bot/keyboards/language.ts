import type { I18n } from '@grammyjs/i18n';
import { InlineKeyboard } from 'grammy';
import { languageData } from '../callback-data.js';
import type { Context } from '../context.js';
import { type Language, languages } from '../i18n.js';

/** The three languages, each named in itself, the current one ticked. */
export function languageKeyboard(i18n: I18n<Context>, current: string): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const code of languages satisfies readonly Language[]) {
    const name = i18n.t(code, 'language-name');
    keyboard.text(code === current ? `✅ ${name}` : name, languageData.pack({ code }));
  }
  return keyboard;
}
