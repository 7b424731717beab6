import type { MiddlewareFn } from 'grammy';
import type { Context } from '../context.js';
import type { ALLOWED_UPDATES } from '../updates/source.js';

interface Shape {
  [field: string]: 'number' | 'string' | Shape;
}

const user: Shape = { id: 'number' };
const chat: Shape = { id: 'number', type: 'string' };
const member: Shape = { status: 'string', user };

/**
 * The fields every handler may count on, per update type the bot asks for (updates/source.ts,
 * ALLOWED_UPDATES), as the Bot API documents them as always present.
 */
const SHAPES: Record<(typeof ALLOWED_UPDATES)[number], Shape> = {
  message: { message_id: 'number', date: 'number', chat },
  callback_query: { id: 'string', from: user, chat_instance: 'string' },
  inline_query: { id: 'string', from: user, query: 'string', offset: 'string' },
  chosen_inline_result: { result_id: 'string', from: user, query: 'string' },
  my_chat_member: {
    chat,
    from: user,
    date: 'number',
    old_chat_member: member,
    new_chat_member: member,
  },
  chat_member: {
    chat,
    from: user,
    date: 'number',
    old_chat_member: member,
    new_chat_member: member,
  },
  chat_join_request: { chat, from: user, user_chat_id: 'number', date: 'number' },
};

/**
 * Telegram sends only well-formed updates of the types asked for; anything else (a type
 * this bot does not know, a required field missing or of the wrong type) did not come from
 * it as documented, and no handler is written for it: such an update is logged and dropped
 * rather than left to fail somewhere inside a feature.
 */
export const wellFormed: MiddlewareFn<Context> = (ctx, next) => {
  const { update_id: _, ...rest } = ctx.update;
  const [type, ...others] = Object.keys(rest);
  const shape = type === undefined ? undefined : (SHAPES as Record<string, Shape>)[type];
  if (shape && others.length === 0 && fits((rest as Record<string, unknown>)[type ?? ''], shape)) {
    return next();
  }
  ctx.logger.warn({ update: ctx.update }, 'malformed or unknown update dropped');
};

function fits(value: unknown, shape: Shape): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return Object.entries(shape).every(([key, expected]) =>
    typeof expected === 'string' ? typeof record[key] === expected : fits(record[key], expected),
  );
}
