/** How a field of callback data is written and read back. */
type FieldType = 'int' | 'str';

type Values<Fields extends Record<string, FieldType>> = {
  [K in keyof Fields]: Fields[K] extends 'int' ? number : string;
};

/** One kind of button's callback data: `<prefix>:<field>:<field>...`. */
export interface CallbackData<Fields extends Record<string, FieldType>> {
  /** Matches this kind's data exactly; for `composer.callbackQuery(...)`. */
  readonly filter: RegExp;
  pack(values: Values<Fields>): string;
  /** Reads back what pack() wrote; throws on data of another kind. */
  unpack(data: string): Values<Fields>;
}

/** Telegram refuses a button whose callback data is longer than this (in UTF-8 bytes). */
const MAX_CALLBACK_DATA_BYTES = 64;

const PATTERNS: Record<FieldType, string> = { int: '(\\d+)', str: '([^:]+)' };

/**
 * Defines a kind of callback data (after the template's `createCallbackData`): the prefix
 * names the button, the fields follow in order, separated by `:`. pack() refuses values
 * that would not read back (a `:` in a string, a negative or fractional number) or that
 * would pass Telegram's 64 bytes.
 */
export function createCallbackData<
  const Fields extends Record<string, FieldType> = Record<never, FieldType>,
>(prefix: string, fields: Fields = {} as Fields): CallbackData<Fields> {
  const names = Object.keys(fields) as (keyof Fields & string)[];
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const filter = new RegExp(
    `^${escaped}${names.map((name) => `:${PATTERNS[fields[name] as FieldType]}`).join('')}$`,
  );
  return {
    filter,
    pack(values) {
      const data = [prefix, ...names.map((name) => String(values[name]))].join(':');
      if (!filter.test(data) || Buffer.byteLength(data) > MAX_CALLBACK_DATA_BYTES) {
        throw new Error(`callback data ${JSON.stringify(data)} does not fit ${prefix}`);
      }
      return data;
    },
    unpack(data) {
      const match = filter.exec(data);
      if (!match) throw new Error(`callback data ${JSON.stringify(data)} is not ${prefix}`);
      const values: Record<string, number | string> = {};
      names.forEach((name, index) => {
        const text = match[index + 1] as string;
        values[name] = fields[name] === 'int' ? Number(text) : text;
      });
      return values as Values<Fields>;
    },
  };
}

// The formats below are those of the bot's earliest buttons, so buttons already in chats
// keep working.

/** Force-subscribe: "check again". */
export const checkSubscriptionData = createCallbackData('sub:check');
/** /lang: one of the three languages. */
export const languageData = createCallbackData('lang', { code: 'str' });

// The library's buttons carry a file's id (files.id) or a results page and the short key of
// the query in the session (see features/search.ts).
export const fileData = createCallbackData('file', { id: 'int' });
export const downloadData = createCallbackData('dl', { id: 'int' });
export const deleteData = createCallbackData('del', { id: 'int' });
export const deleteYesData = createCallbackData('del-yes', { id: 'int' });
export const deleteNoData = createCallbackData('del-no', { id: 'int' });
export const pageData = createCallbackData('page', { page: 'int', key: 'str' });

// Broadcasts: confirm or drop a draft, stop one that is being sent.
export const broadcastSendData = createCallbackData('bc-send', { id: 'int' });
export const broadcastDropData = createCallbackData('bc-drop', { id: 'int' });
export const broadcastStopData = createCallbackData('bc-stop', { id: 'int' });
