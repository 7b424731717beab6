import type { I18n } from '@grammyjs/i18n';
import type { Api } from 'grammy';
import type { Context } from './context.js';
import { languages } from './i18n.js';

const COMMANDS = ['start', 'search', 'help', 'lang'] as const;
const ADMIN_COMMANDS = ['upload', 'set_thumb', 'stats', 'broadcast', 'broadcast_cancel', 'cancel'];

/**
 * Publishes the command menu in each language (the default language is the fallback); in
 * each admin's own chat the menu also lists the admin commands. An admin who has not
 * opened the bot yet has no chat to scope to: that is logged, not fatal.
 */
export async function setCommands(
  api: Api,
  i18n: I18n<Context>,
  defaultLanguage: string,
  adminIds: readonly number[],
  warn: (error: unknown) => void,
): Promise<void> {
  const menu = (language: string, commands: readonly string[]) =>
    commands.map((command) => ({ command, description: i18n.t(language, `command-${command}`) }));
  for (const language of [undefined, ...languages]) {
    const options = language ? { language_code: language } : {};
    await api.setMyCommands(menu(language ?? defaultLanguage, COMMANDS), options);
    for (const chat_id of adminIds) {
      const scope = { type: 'chat' as const, chat_id };
      await api
        .setMyCommands(menu(language ?? defaultLanguage, [...COMMANDS, ...ADMIN_COMMANDS]), {
          ...options,
          scope,
        })
        .catch(warn);
    }
  }
}
