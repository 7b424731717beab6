import { fileURLToPath } from 'node:url';
import { I18n } from '@grammyjs/i18n';
import type { Db } from '../db/database.js';
import { findUser } from '../db/users.js';
import type { Context } from './context.js';

export const languages = ['uz', 'ru', 'en'] as const;
export type Language = (typeof languages)[number];

export function isLanguage(code: string | undefined): code is Language {
  return (languages as readonly (string | undefined)[]).includes(code);
}

/**
 * Fluent translations from src/locales. The locale is the user's own choice, else
 * Telegram's language_code when we speak it, else the configured default.
 */
export function createI18n(defaultLanguage: Language): I18n<Context> {
  return new I18n<Context>({
    defaultLocale: defaultLanguage,
    directory: fileURLToPath(new URL('../locales', import.meta.url)),
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) =>
      userLanguage(
        { language: ctx.user?.language, language_code: ctx.from?.language_code },
        defaultLanguage,
      ),
  });
}

/** The user's own choice, else Telegram's language_code when we speak it, else the default. */
function userLanguage(
  user:
    | { language?: string | null | undefined; language_code?: string | null | undefined }
    | undefined,
  defaultLanguage: string,
): string {
  const chosen = user?.language ?? undefined;
  if (isLanguage(chosen)) return chosen;
  const code = user?.language_code?.slice(0, 2);
  return isLanguage(code) ? code : defaultLanguage;
}

/** The language to write to a user in outside their updates: notices, reports, alerts. */
export async function chatLanguage(
  db: Db,
  chatId: number,
  defaultLanguage: string,
): Promise<string> {
  return userLanguage(await findUser(db, chatId), defaultLanguage);
}
