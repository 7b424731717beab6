/** Callback data of the bot's buttons: a short prefix, then the argument. */
export const CHECK_SUBSCRIPTION = 'sub:check';

export const LANGUAGE_PREFIX = 'lang:';
export const languageData = (code: string) => `${LANGUAGE_PREFIX}${code}`;
