import type { InlineQueryResult } from 'grammy/types';
import { badRequest } from '../errors.js';
import type { FileKind } from '../files.js';
import { inlineKeyboard } from '../markup.js';
import { optJson, optStr } from '../params.js';
import type { CallContext, Handler } from '../state.js';

const QUERY_INVALID = 'query is too old and response timeout expired or query ID is invalid';

/**
 * How long after the press (or the keystroke) a query can be answered. The real server's
 * window is not documented; it is a matter of seconds (clients give up waiting at about 15).
 */
export const QUERY_LIFETIME_MS = 10_000;

/** Each query can be answered once, while it is fresh; unknown, old and answered ids are refused. */
function consumeQuery(ctx: CallContext, field: string): string {
  const id = optStr(ctx.params, field) ?? '';
  const sentAt = ctx.state.openQueries.get(id);
  ctx.state.openQueries.delete(id);
  if (sentAt === undefined || ctx.state.clock.now() - sentAt > QUERY_LIFETIME_MS) {
    throw badRequest(QUERY_INVALID);
  }
  return id;
}

const answerCallbackQuery: Handler = (ctx) => {
  const text = optStr(ctx.params, 'text');
  if (text !== undefined && text.length > 200) throw badRequest('MESSAGE_TOO_LONG');
  consumeQuery(ctx, 'callback_query_id');
  return true;
};

// Cached results name a stored file by id; the server checks it exists and fits.
const CACHED_FILE_FIELDS: Record<string, FileKind> = {
  document_file_id: 'document',
  audio_file_id: 'audio',
  video_file_id: 'video',
  photo_file_id: 'photo',
};

const answerInlineQuery: Handler = (ctx) => {
  const results = optJson<InlineQueryResult[]>(ctx.params, 'results');
  if (!Array.isArray(results)) throw badRequest('results must be an Array');
  if (results.length > 50) throw badRequest('RESULTS_TOO_MUCH');
  const ids = new Set<string>();
  for (const result of results as unknown as Record<string, unknown>[]) {
    const id = result.id;
    if (typeof id !== 'string' || id === '' || Buffer.byteLength(id) > 64) {
      throw badRequest('RESULT_ID_INVALID');
    }
    if (ids.has(id)) throw badRequest('RESULT_ID_DUPLICATE');
    ids.add(id);
    if (result.reply_markup !== undefined) {
      inlineKeyboard(result.reply_markup as Record<string, unknown>);
    }
    for (const [field, kind] of Object.entries(CACHED_FILE_FIELDS)) {
      const fileId = result[field];
      if (fileId === undefined) continue;
      const file = typeof fileId === 'string' ? ctx.state.files.get(fileId) : undefined;
      if (!file) throw badRequest('wrong file identifier/HTTP URL specified');
      if (file.kind !== kind) throw badRequest('type of file mismatch');
    }
  }
  const nextOffset = optStr(ctx.params, 'next_offset');
  if (nextOffset !== undefined && Buffer.byteLength(nextOffset) > 64) {
    throw badRequest('NEXT_OFFSET_INVALID');
  }
  const queryId = consumeQuery(ctx, 'inline_query_id');
  ctx.state.inlineAnswers.set(queryId, ids);
  return true;
};

/** Handlers of answerCallbackQuery and answerInlineQuery. */
export const queryMethods: Record<string, Handler> = { answerCallbackQuery, answerInlineQuery };
