import { HttpError, type Transformer } from 'grammy';
import type { Logger } from '../logger.js';

const ANSWERS = new Set(['answerCallbackQuery', 'answerInlineQuery']);

/**
 * Answering a callback query only stops the spinner on the user's button, and Telegram
 * refuses answers a few seconds after the press ("query is too old"); an inline query's
 * answer comes too late the same way, when the user has typed on. A query handled late
 * (after a restart, a backlog, a 429 wait) must still do what it asked for, so a failed
 * answer, wherever in the bot, is logged and taken as done instead of stopping the handler.
 */
export function answerQueriesQuietly(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    if (!ANSWERS.has(method)) return prev(method, payload, signal);
    try {
      const answer = await prev(method, payload, signal);
      if (answer.ok) return answer;
      logger.info({ description: answer.description }, 'a query could not be answered');
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      logger.info({ err: error }, 'a query could not be answered');
    }
    return { ok: true, result: true } as Awaited<ReturnType<typeof prev>>;
  };
}
