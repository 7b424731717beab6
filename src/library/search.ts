import type { Db } from '../db/database.js';
import { findFiles, findMatches, INDEXED_PREFIX, type SearchMatch } from '../db/files.js';
import type { FileKind, LibraryFile } from '../db/schema.js';
import { searchWords } from './normalize.js';

// Words past this are ignored: each word is one more list of index entries to intersect.
const MAX_WORDS = 8;

/**
 * At most this many matches are read, ranked and paged through; a broader search shows
 * "1000+" and its newest 1000 matches, ranked. This bounds every search's work whatever the
 * library's size or the page asked for: a search thread (search-pool.ts) answers one search
 * at a time, and SQLite holds it while a query runs.
 */
export const MATCH_CAP = 1000;

/** Relevance of a hit: one in the title counts more than one in the tags. */
const TITLE_WEIGHT = 5;
const TAGS_WEIGHT = 1;

/** Which page of results to return and how long pages are. */
export interface SearchOptions {
  /** 1-based; clamped to the pages there are. */
  page?: number;
  /** Default 10. */
  pageSize?: number;
  /** Only files of this kind (the admin API's filter). */
  type?: FileKind;
  /**
   * Default true: a page past the last is the last (the bot's page buttons); false: it is
   * empty (the admin API's paging).
   */
  clamp?: boolean;
}

/** One page of search results. */
export interface SearchResult {
  items: LibraryFile[];
  /** How many files match in all, counted up to {@link MATCH_CAP}. */
  total: number;
  /** More than {@link MATCH_CAP} files match: show the total as "1000+". */
  capped: boolean;
  /** The page returned, after clamping; 1 when nothing matched. */
  page: number;
  /** How many pages there are (of the first {@link MATCH_CAP} matches); 0 when nothing matched. */
  pages: number;
}

/**
 * Searches the library's titles and tags. Every word of the query must match the start of a
 * word in the file (`gram` finds "Grammar"; a one-letter word only the same whole word), in any
 * apostrophe form and in either Uzbek script. Results come best first (title hits above tag
 * hits, a word matched in more of its forms above fewer), then the most downloaded, then the
 * oldest. An empty or punctuation-only query finds nothing.
 */
export async function searchFiles(
  db: Db,
  query: string,
  { page = 1, pageSize = 10, type, clamp = true }: SearchOptions = {},
): Promise<SearchResult> {
  const size = Number.isFinite(pageSize) ? Math.max(1, Math.floor(pageSize)) : 10;
  const words = searchWords(query).slice(0, MAX_WORDS);
  const matches = await findMatches(db, words, MATCH_CAP + 1, type);
  const capped = matches.length > MATCH_CAP;
  const ranked = rank(matches.slice(0, MATCH_CAP), words);
  const total = ranked.length;
  const pages = Math.ceil(total / size);
  const asked = Math.max(1, Math.floor(page) || 1);
  const current = clamp ? Math.min(asked, Math.max(1, pages)) : asked;
  const onPage = ranked.slice((current - 1) * size, current * size);
  const items = await findFiles(
    db,
    onPage.map((match) => match.id),
  );
  return { items, total, capped, page: current, pages };
}

function rank(matches: SearchMatch[], words: readonly (readonly string[])[]): SearchMatch[] {
  // The search texts are words joined by single spaces, so, with a space added at both ends, a
  // word starting with a form is " form" in the text, and a word equal to it " form ": a plain
  // substring test, several times faster than splitting every text into its words.
  const terms = words.map((forms) =>
    forms.map((form) => {
      const length = [...form].length;
      const text = fold(form);
      return { needle: length > 1 ? ` ${text}` : ` ${text} `, long: length > INDEXED_PREFIX };
    }),
  );
  const scored: { match: SearchMatch; score: number }[] = [];
  for (const match of matches) {
    const title = ` ${fold(match.search_title)} `;
    const tags = ` ${fold(match.search_tags)} `;
    let score = 0;
    let whole = true;
    for (const forms of terms) {
      let found = false;
      for (const form of forms) {
        const inTitle = title.includes(form.needle);
        const inTags = tags.includes(form.needle);
        score += (inTitle ? TITLE_WEIGHT : 0) + (inTags ? TAGS_WEIGHT : 0);
        found ||= inTitle || inTags;
      }
      // The index matched a long word on its first characters only; the rest must match too.
      if (!found && forms.some((form) => form.long)) whole = false;
    }
    if (whole) scored.push({ match, score });
  }
  return scored
    .sort(
      (a, b) =>
        b.score - a.score ||
        b.match.downloads_count - a.match.downloads_count ||
        a.match.id - b.match.id,
    )
    .map(({ match }) => match);
}

// The index folds Latin diacritics (remove_diacritics 2: "cafe" finds "café") but not
// Cyrillic ones (й, ў, ё stay letters of their own); ranking compares the same way. Most text
// has no accented Latin letter at all, and skipping the normalisations for it is most of the
// ranking's speed.
const ACCENTED_LATIN = /[\u00C0-\u024F\u1E00-\u1EFF]/u;
function fold(text: string): string {
  if (!ACCENTED_LATIN.test(text)) return text;
  return text
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC');
}
