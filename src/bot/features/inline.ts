import { Composer, InlineKeyboard, InlineQueryResultBuilder } from 'grammy';
import type { InlineQueryResult } from 'grammy/types';
import { recordDownload } from '../../db/downloads.js';
import type { LibraryFile } from '../../db/schema.js';
import { touchUser } from '../../db/users.js';
import { sendable } from '../../library/catalogue.js';
import { formatSize } from '../../library/format.js';
import type { Search } from '../../library/search-pool.js';
import type { Context } from '../context.js';
import { clip } from '../text-limits.js';
import { searchOrNothing } from './search.js';
import { fileLink } from './start.js';

// Telegram takes at most 50 results an answer; 20 keeps answers small while typing.
const PAGE_SIZE = 20;
// Short, so a deleted file soon leaves Telegram's cache of the answer too.
const CACHE_SECONDS = 10;

/**
 * A file result's id: `f<files.id>`, read back from chosen_inline_result; a link to a card
 * is `c<files.id>`, and choosing one is no download.
 */
const FILE_RESULT = /^f(\d+)$/;

/**
 * Inline mode: `@bot query` in any chat lists the matching files, sent as cached documents,
 * audio or video, and counts the ones chosen (chosen_inline_result, which Telegram sends
 * only with inline feedback on in @BotFather). A file sent that way can be neither
 * protected nor deleted by the bot, so with PROTECT_CONTENT or AUTO_DELETE_MINUTES the
 * results are links that open the file's card in the bot instead.
 */
export function inlineFeature(search: Search): Composer<Context> {
  const feature = new Composer<Context>();

  feature.on('inline_query', async (ctx) => {
    const { query, offset } = ctx.inlineQuery;
    const page = Number.parseInt(offset, 10) || 1;
    let files: LibraryFile[] = [];
    let more = false;
    if (query.trim() !== '') {
      const result = await searchOrNothing(ctx, search, 'inline', query, {
        page,
        pageSize: PAGE_SIZE,
      });
      if (!result) {
        // Not cached, so the next keystroke searches again; the button says why nothing came.
        return ctx.answerInlineQuery([], {
          cache_time: 0,
          is_personal: true,
          button: { text: ctx.t('search-unavailable-short'), start_parameter: 'search' },
        });
      }
      files = result.items;
      more = result.page < result.pages;
    }
    await ctx.answerInlineQuery(
      files.map((file) => (linksOnly(ctx) ? asLink(ctx, file) : asFile(ctx, file))),
      {
        cache_time: CACHE_SECONDS,
        // Force-subscribe answers differ per user: a shared cached answer would leak files.
        is_personal: ctx.settings.forceSubChannels.length > 0,
        next_offset: more ? String(page + 1) : '',
      },
    );
  });

  feature.on('chosen_inline_result', async (ctx) => {
    const file = ctx.chosenInlineResult.result_id.match(FILE_RESULT);
    if (!file) return;
    // Choosing a file is a download: the chooser becomes a user, whom the download is counted to.
    await touchUser(ctx.db, ctx.from);
    await recordDownload(ctx.db, ctx.from.id, Number(file[1]));
    ctx.metrics.downloads.inc({ source: 'inline' });
  });
  return feature;
}

function linksOnly(ctx: Context): boolean {
  return ctx.settings.protectContent || ctx.settings.autoDeleteMinutes > 0;
}

function asFile(ctx: Context, file: LibraryFile): InlineQueryResult {
  const id = `f${file.id}`;
  const { fileId, kind } = sendable(file);
  const description = describe(ctx, file);
  switch (kind) {
    case 'audio':
      return InlineQueryResultBuilder.audioCached(id, fileId);
    case 'video':
      return InlineQueryResultBuilder.videoCached(id, clip(file.title), fileId, { description });
    default:
      return InlineQueryResultBuilder.documentCached(id, clip(file.title), fileId, { description });
  }
}

function asLink(ctx: Context, file: LibraryFile): InlineQueryResult {
  const link = fileLink(ctx.me.username, file.id);
  return InlineQueryResultBuilder.article(`c${file.id}`, clip(file.title), {
    description: describe(ctx, file),
    reply_markup: new InlineKeyboard().url(ctx.t('inline-open'), link),
  }).text(ctx.t('inline-protected', { type: file.type, title: clip(file.title) }));
}

function describe(ctx: Context, file: LibraryFile): string {
  return ctx.t('inline-description', { type: file.type, size: formatSize(file.size) });
}
