import { createHash } from 'node:crypto';
import { Composer } from 'grammy';
import type { SearchOptions, SearchResult } from '../../library/search.js';
import { type Search, SearchUnavailableError } from '../../library/search-pool.js';
import { timed } from '../../ops/metrics.js';
import { ignoreStaleEdit } from '../../telegram-errors.js';
import { pageData } from '../callback-data.js';
import type { Context, SessionData } from '../context.js';
import { searchResultsKeyboard } from '../keyboards/search.js';

// Callback data holds at most 64 bytes, too few for a query in Cyrillic, so the page buttons
// carry a short hash of the query and the chat's session (on disk) maps it back. The last
// few searches are kept, so an older results message still pages through its own query.
const KEPT_SEARCHES = 20;
const MAX_QUERY_LENGTH = 256;
const SHOWN_QUERY_LENGTH = 60;

/**
 * Search: any plain text in a private chat, or /search <query>, answers with the matching
 * files, ten a page, each a button opening its card. Registered after every other feature,
 * so commands and dialogs get their text first.
 */
export function searchFeature(search: Search): Composer<Context> {
  const feature = new Composer<Context>();
  const privateChat = feature.chatType('private');

  privateChat.command('search', async (ctx) => {
    const query = ctx.match.trim();
    if (query === '') return ctx.reply(ctx.t('search-usage'));
    await showResults(ctx, search, query);
  });

  privateChat.callbackQuery(pageData.filter, async (ctx) => {
    const { page, key } = pageData.unpack(ctx.callbackQuery.data);
    const query = ctx.session.searches?.find((kept) => kept.key === key)?.query;
    if (query === undefined) {
      return ctx.answerCallbackQuery({ text: ctx.t('search-expired'), show_alert: true });
    }
    const result = await searchOrNothing(ctx, search, 'chat', query, { page });
    if (!result) {
      return ctx.answerCallbackQuery({ text: ctx.t('search-unavailable'), show_alert: true });
    }
    await ctx.answerCallbackQuery();
    // Files may have been deleted since: a search that now finds nothing says so in place.
    const text = result.total === 0 ? emptyText(ctx, query) : resultsText(ctx, query, result);
    await ctx
      .editMessageText(text, { reply_markup: searchResultsKeyboard(ctx, result, key) })
      .catch(ignoreStaleEdit);
  });

  privateChat.on('message:text', async (ctx, next) => {
    // Unknown commands go on to the catch-all; texts sent through inline mode are not queries.
    if (ctx.message.text.startsWith('/') || ctx.message.via_bot) return next();
    await showResults(ctx, search, ctx.message.text);
  });
  return feature;
}

/**
 * The search's result, or undefined when no search thread answered in time (or at all): the
 * caller then asks the user to try again, rather than leave the chat without an answer.
 */
export async function searchOrNothing(
  ctx: Context,
  search: Search,
  source: 'chat' | 'inline',
  query: string,
  options?: SearchOptions,
): Promise<SearchResult | undefined> {
  try {
    return await timed(ctx.metrics.searchSeconds, { source }, () => search(query, options));
  } catch (error) {
    if (!(error instanceof SearchUnavailableError)) throw error;
    ctx.logger.warn({ err: error }, 'search unavailable');
    return undefined;
  }
}

async function showResults(ctx: Context, search: Search, text: string): Promise<void> {
  const query = text.trim().slice(0, MAX_QUERY_LENGTH);
  const result = await searchOrNothing(ctx, search, 'chat', query);
  if (!result) {
    await ctx.reply(ctx.t('search-unavailable'));
    return;
  }
  if (result.total === 0) {
    await ctx.reply(emptyText(ctx, query));
    return;
  }
  const key = result.pages > 1 ? rememberSearch(ctx.session, query) : '-';
  await ctx.reply(resultsText(ctx, query, result), {
    reply_markup: searchResultsKeyboard(ctx, result, key),
  });
}

function resultsText(ctx: Context, query: string, result: SearchResult): string {
  // A capped total is a string, so it reads "1000+" and not "1,000+".
  return ctx.t(result.capped ? 'search-results-many' : 'search-results', {
    query: shown(query),
    total: result.capped ? String(result.total) : result.total,
    page: result.page,
    pages: result.pages,
  });
}

function emptyText(ctx: Context, query: string): string {
  return ctx.t('search-empty', { query: shown(query) });
}

function shown(query: string): string {
  const flat = query.replace(/\s+/gu, ' ');
  return flat.length > SHOWN_QUERY_LENGTH ? `${flat.slice(0, SHOWN_QUERY_LENGTH)}…` : flat;
}

/** Keeps the query in the session under a short key for the page buttons; returns the key. */
function rememberSearch(session: SessionData, query: string): string {
  const key = createHash('sha256').update(query).digest('base64url').slice(0, 10);
  const others = (session.searches ?? []).filter((search) => search.key !== key);
  session.searches = [...others.slice(-(KEPT_SEARCHES - 1)), { key, query }];
  return key;
}
