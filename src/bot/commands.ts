import type { I18n } from '@grammyjs/i18n';
import type { Api } from 'grammy';
import type { Context } from './context.js';
import { languages } from './i18n.js';

const COMMANDS = ['start', 'search', 'help', 'lang'] as const;

/** Publishes the command menu in each language; the default language is the fallback. */
export async function setCommands(
  api: Api,
  i18n: I18n<Context>,
  defaultLanguage: string,
): Promise<void> {
  const menu = (language: string) =>
    COMMANDS.map((command) => ({ command, description: i18n.t(language, `command-${command}`) }));
  await api.setMyCommands(menu(defaultLanguage));
  for (const language of languages) {
    await api.setMyCommands(menu(language), { language_code: language });
  }
}
