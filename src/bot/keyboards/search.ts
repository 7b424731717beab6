import { InlineKeyboard } from 'grammy';
import type { SearchResult } from '../../library/search.js';
import { fileData, pageData } from '../callback-data.js';
import type { Context } from '../context.js';
import { clip } from '../text-limits.js';

/** One button per file found (opening its card), then previous/next when there are pages. */
export function searchResultsKeyboard(
  ctx: Context,
  result: SearchResult,
  key: string,
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const file of result.items) {
    keyboard.text(
      ctx.t('search-result', { type: file.type, title: clip(file.title) }),
      fileData.pack({ id: file.id }),
    );
    keyboard.row();
  }
  if (result.page > 1)
    keyboard.text(ctx.t('search-previous'), pageData.pack({ page: result.page - 1, key }));
  if (result.page < result.pages) {
    keyboard.text(ctx.t('search-next'), pageData.pack({ page: result.page + 1, key }));
  }
  return keyboard;
}
