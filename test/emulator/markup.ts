import type { InlineKeyboardMarkup } from 'grammy/types';
import { badRequest } from './errors.js';
import { optJson, type Params } from './params.js';

// The kinds of reply markup the server knows; anything else is not a keyboard.
const MARKUP_KINDS = ['inline_keyboard', 'keyboard', 'remove_keyboard', 'force_reply'];

// What a button does, in the order the server looks for them; a button with none of them
// is a plain text button, which only reply keyboards may have.
const BUTTON_ACTIONS = [
  'url',
  'login_url',
  'callback_data',
  'callback_game',
  'pay',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'web_app',
  'copy_text',
];

/** The server refuses more buttons than this in one inline keyboard. */
export const MAX_BUTTONS = 100;
/** Callback data is 1-64 bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/**
 * The `reply_markup` of a send or an edit, checked the way telegram-bot-api and Telegram
 * check it (Client.cpp get_reply_markup / get_inline_keyboard_button, with their texts):
 * it must be an object holding a keyboard; inline buttons need a text and exactly the
 * action fields the API has, callback data of 1-64 bytes and URLs Telegram can open; at
 * most 100 buttons. Edits (`inlineOnly`) take inline keyboards only. Returns the markup to
 * show on the message: only an inline keyboard with buttons shows.
 */
export function replyMarkup(
  params: Params,
  { inlineOnly = false }: { inlineOnly?: boolean } = {},
): InlineKeyboardMarkup | undefined {
  if (params.reply_markup === undefined) return undefined;
  const markup = params.reply_markup;
  if (typeof markup !== 'object' || markup === null || Array.isArray(markup)) {
    throw badRequest('object expected as reply markup');
  }
  const kind = MARKUP_KINDS.find((name) => name in markup);
  if (kind === undefined) throw badRequest('object expected as reply markup');
  if (kind !== 'inline_keyboard') {
    if (inlineOnly) throw badRequest('inline keyboard expected');
    return undefined;
  }
  return inlineKeyboard(optJson<Record<string, unknown>>(params, 'reply_markup'));
}

/** Checks an InlineKeyboardMarkup (also found in inline query results); undefined if empty. */
export function inlineKeyboard(
  markup: Record<string, unknown> | undefined,
): InlineKeyboardMarkup | undefined {
  if (markup === undefined) return undefined;
  const rows = markup.inline_keyboard;
  const arrays = 'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays';
  if (!Array.isArray(rows)) throw badRequest(arrays);
  let buttons = 0;
  for (const row of rows) {
    if (!Array.isArray(row)) throw badRequest(arrays);
    for (const button of row) checkButton(button);
    buttons += row.length;
  }
  if (buttons > MAX_BUTTONS) throw badRequest('REPLY_MARKUP_TOO_LONG');
  return buttons > 0 ? (markup as unknown as InlineKeyboardMarkup) : undefined;
}

function checkButton(button: unknown): void {
  const invalid = (what: string) => badRequest(`can't parse inline keyboard button: ${what}`);
  if (typeof button !== 'object' || button === null || Array.isArray(button)) {
    throw invalid('InlineKeyboardButton must be an Object');
  }
  const fields = button as Record<string, unknown>;
  if (typeof fields.text !== 'string') throw invalid('Field "text" must be of type String');
  // An empty string is no action at all, as for the server.
  const action = BUTTON_ACTIONS.find((name) => fields[name] !== undefined && fields[name] !== '');
  if (action === undefined) throw invalid('Text buttons are unallowed in the inline keyboard');
  if (action === 'callback_data') {
    const data = fields.callback_data;
    const bytes = typeof data === 'string' ? Buffer.byteLength(data) : 0;
    if (bytes < 1 || bytes > MAX_CALLBACK_DATA_BYTES) throw badRequest('BUTTON_DATA_INVALID');
  }
  if (action === 'url' && !openableUrl(fields.url)) {
    throw badRequest(
      `inline keyboard button URL '${String(fields.url)}' is invalid: Wrong HTTP URL`,
    );
  }
}

/**
 * A URL a Telegram client can open from a button: tg:// links, or http(s) to a public
 * host name (Telegram refuses localhost and bare host names, the usual test setups).
 */
function openableUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.protocol === 'tg:') return true;
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false;
  return url.hostname.includes('.') && !url.hostname.endsWith('localhost');
}
