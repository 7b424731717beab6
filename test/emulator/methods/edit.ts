import { isDeepStrictEqual } from 'node:util';
import type { Message } from 'grammy/types';
import { badRequest } from '../errors.js';
import { replyMarkup } from '../markup.js';
import { chatIdParam, optJson, optStr, reqInt } from '../params.js';
import type { CallContext, Handler } from '../state.js';
import { caption, formatted, MAX_TEXT, takeToken, withText } from './shared.js';

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

type EditKind = 'text' | 'caption' | 'markup';

/** The message to edit, or the server's refusal. */
function editable(ctx: CallContext): Message {
  const target = ctx.state.chats.resolveWritable(chatIdParam(ctx.params));
  const stored = ctx.state.messages.get(target.chat.id, reqInt(ctx.params, 'message_id'));
  if (!stored) throw badRequest('message to edit not found');
  if (!stored.byBot) throw badRequest("message can't be edited");
  return stored.message;
}

/**
 * Shared edit flow: validate, refuse an identical edit, take flood tokens, then apply.
 * Like the server, an edit without reply_markup removes the inline keyboard.
 */
function edit(kind: EditKind): Handler {
  return (ctx) => {
    if (optStr(ctx.params, 'inline_message_id') !== undefined) return true;
    const message = editable(ctx);
    const next: Partial<Message> = {};
    if (kind === 'text') {
      if (message.text === undefined) throw badRequest('there is no text in the message to edit');
      const text = formatted(ctx.params, 'text');
      if (!text || text.text === '') throw badRequest('message text is empty');
      if (text.text.length > MAX_TEXT) throw badRequest('message is too long');
      withText(next, 'text', text);
    } else if (kind === 'caption') {
      if (message.text !== undefined)
        throw badRequest('there is no caption in the message to edit');
      const text = caption(ctx.params);
      if (text) withText(next, 'caption', text);
    }
    const markup = replyMarkup(ctx.params, { inlineOnly: true });
    const keys =
      kind === 'text'
        ? (['text', 'entities'] as const)
        : kind === 'caption'
          ? (['caption', 'caption_entities'] as const)
          : ([] as const);
    const same =
      keys.every((key) => isDeepStrictEqual(next[key], message[key])) &&
      isDeepStrictEqual(markup, message.reply_markup);
    if (same) throw badRequest(NOT_MODIFIED);
    takeToken(ctx, message.chat.id);
    for (const key of keys) {
      if (next[key] === undefined) delete message[key];
      else Object.assign(message, { [key]: next[key] });
    }
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    message.edit_date = Math.floor(Date.now() / 1000);
    return structuredClone(message);
  };
}

/** In a private chat, a message can be deleted only within 48 hours of sending. */
const DELETABLE_FOR_S = 48 * 3600;

const deleteMessage: Handler = (ctx) => {
  const target = ctx.state.chats.resolve(chatIdParam(ctx.params));
  const messageId = reqInt(ctx.params, 'message_id');
  const stored = ctx.state.messages.get(target.chat.id, messageId);
  if (!stored) throw badRequest('message to delete not found');
  const age = ctx.state.clock.now() / 1000 - stored.message.date;
  if (target.kind === 'private' && age > DELETABLE_FOR_S) {
    throw badRequest("message can't be deleted");
  }
  ctx.state.messages.delete(target.chat.id, messageId);
  return true;
};

/** deleteMessages skips ids that are gone, as documented. */
const deleteMessages: Handler = (ctx) => {
  const target = ctx.state.chats.resolve(chatIdParam(ctx.params));
  const ids = optJson<number[]>(ctx.params, 'message_ids');
  if (!Array.isArray(ids) || ids.length === 0) throw badRequest('message identifiers are empty');
  for (const id of ids) ctx.state.messages.delete(target.chat.id, Number(id));
  return true;
};

/** Handlers of the edit and delete methods. */
export const editMethods: Record<string, Handler> = {
  editMessageText: edit('text'),
  editMessageCaption: edit('caption'),
  editMessageReplyMarkup: edit('markup'),
  deleteMessage,
  deleteMessages,
};
