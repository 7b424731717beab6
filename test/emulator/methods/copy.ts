import type { Message, MessageOrigin } from 'grammy/types';
import { badRequest } from '../errors.js';
import { chatIdParam, reqInt } from '../params.js';
import type { CallContext, Handler } from '../state.js';
import { caption, deliver, withText } from './shared.js';

const CONTENT_KEYS = [
  'text',
  'entities',
  'document',
  'audio',
  'video',
  'photo',
  'caption',
  'caption_entities',
] as const;

function source(ctx: CallContext, action: 'copy' | 'forward'): Message {
  const fromChat = ctx.state.chats.resolve(chatIdParam(ctx.params, 'from_chat_id'));
  const stored = ctx.state.messages.get(fromChat.chat.id, reqInt(ctx.params, 'message_id'));
  if (!stored) throw badRequest(`message to ${action} not found`);
  return stored.message;
}

function content(message: Message): Partial<Message> {
  const out: Record<string, unknown> = {};
  for (const key of CONTENT_KEYS) {
    if (message[key] !== undefined) out[key] = structuredClone(message[key]);
  }
  return out as Partial<Message>;
}

/** copyMessage: the content without a link to the original; answers { message_id }. */
const copyMessage: Handler = (ctx) => {
  const original = source(ctx, 'copy');
  const target = ctx.state.chats.resolveWritable(chatIdParam(ctx.params));
  const newCaption = ctx.params.caption !== undefined ? caption(ctx.params) : undefined;
  const sent = deliver(ctx, target, () => {
    const copy = content(original);
    if (ctx.params.caption !== undefined) {
      delete copy.caption;
      delete copy.caption_entities;
      if (newCaption && copy.text === undefined) withText(copy, 'caption', newCaption);
    }
    return copy;
  });
  return { message_id: sent.message_id };
};

function origin(message: Message): MessageOrigin {
  if (message.chat.type === 'channel') {
    return {
      type: 'channel',
      chat: message.chat,
      message_id: message.message_id,
      date: message.date,
    };
  }
  const sender = message.from ?? { id: 0, is_bot: false, first_name: 'Deleted Account' };
  return { type: 'user', sender_user: sender, date: message.date };
}

/** forwardMessage: the content with forward_origin; answers the new Message. */
const forwardMessage: Handler = (ctx) => {
  const original = source(ctx, 'forward');
  const target = ctx.state.chats.resolveWritable(chatIdParam(ctx.params));
  return deliver(ctx, target, () => ({
    ...content(original),
    forward_origin: structuredClone(original.forward_origin ?? origin(original)),
  }));
};

/** Handlers of copyMessage and forwardMessage. */
export const copyMethods: Record<string, Handler> = { copyMessage, forwardMessage };
