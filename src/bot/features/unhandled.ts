import { Composer } from 'grammy';
import type { Context } from '../context.js';

/** Registered last: whatever no feature took. */
export const unhandledFeature = new Composer<Context>();

unhandledFeature
  .chatType('private')
  .on('message::bot_command', (ctx) => ctx.reply(ctx.t('unknown-command')));

// A button nobody handles must still stop the client's spinner.
unhandledFeature.on('callback_query', (ctx) => ctx.answerCallbackQuery());
