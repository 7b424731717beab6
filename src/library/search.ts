import type { Db } from '../db/database.js';
import { countMatchingFiles, type KindFilter, listMatchingFiles } from '../db/files.js';
import type { LibraryFile } from '../db/schema.js';
import { searchWords } from './normalize.js';

// Words past this are ignored: a long message of one-letter words would otherwise become a
// query costly enough to stall the database for everyone.
const MAX_WORDS = 8;

/** Which page of results to return and how long pages are. */
export interface SearchOptions {
  /** 1-based; clamped to the pages there are. */
  page?: number;
  /** Default 10. */
  pageSize?: number;
  /** Only files of this kind (the admin API's filter). */
  type?: KindFilter;
}

/** One page of search results. */
export interface SearchResult {
  items: LibraryFile[];
  /** How many files match in all. */
  total: number;
  /** The page returned, after clamping; 1 when nothing matched. */
  page: number;
  /** How many pages there are; 0 when nothing matched. */
  pages: number;
}

/**
 * Searches the library's titles and tags. Every word of the query must match the start of a
 * word in the file (`gram` finds "Grammar"), in any apostrophe form and in either Uzbek script;
 * results come best first. An empty or punctuation-only query finds nothing.
 */
export async function searchFiles(
  db: Db,
  query: string,
  { page = 1, pageSize = 10, type }: SearchOptions = {},
): Promise<SearchResult> {
  const size = Number.isFinite(pageSize) ? Math.max(1, Math.floor(pageSize)) : 10;
  const words = searchWords(query).slice(0, MAX_WORDS);
  const total = await countMatchingFiles(db, words, type);
  const pages = Math.ceil(total / size);
  const current = Math.min(Math.max(1, Math.floor(page) || 1), Math.max(1, pages));
  if (total === 0) return { items: [], total, page: current, pages };
  const items = await listMatchingFiles(db, words, {
    limit: size,
    offset: (current - 1) * size,
    type,
  });
  return { items, total, page: current, pages };
}
