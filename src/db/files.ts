import { type Insertable, sql } from 'kysely';
import { toSearchText } from '../library/normalize.js';
import { readCounter } from './counters.js';
import type { Db } from './database.js';
import { enqueueJob } from './jobs.js';
import type { FileKind, FilesTable, LibraryFile } from './schema.js';

// The search index is kept in step by triggers on files.search_title/search_tags (see migration
// 0002): every function here that writes a title or tags writes their normalised copies in the
// same statement, so an insert, edit or delete and its index change commit or fail together.

const COLUMNS = [
  'id',
  'file_id',
  'processed_file_id',
  'processed_file_unique_id',
  'processed_type',
  'file_unique_id',
  'file_name',
  'mime_type',
  'title',
  'type',
  'size',
  'thumbnail_file_id',
  'tags',
  'added_by',
  'downloads_count',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof LibraryFile)[];

/** A file to add to the library; tags are given one by one and stored normalised. */
export interface NewFile
  extends Omit<
    Insertable<FilesTable>,
    'id' | 'tags' | 'search_title' | 'search_tags' | 'downloads_count' | 'created_at' | 'updated_at'
  > {
  tags?: readonly string[];
}

/** The parts of a file an admin may edit after adding it. */
export interface FileDetails {
  title?: string;
  tags?: readonly string[];
}

/** The words of a search, each with the alternative forms any one of which may match. */
export type SearchWords = readonly (readonly string[])[];

/**
 * Formats tags the way the files table stores them: lower-case, commas (the separator) and runs
 * of white space made single spaces, trimmed, without duplicates, joined by commas.
 */
export function formatTags(tags: readonly string[]): string {
  const clean = tags.map((tag) =>
    tag
      .normalize('NFKC')
      .replace(/[\s,]+/gu, ' ')
      .trim()
      .toLowerCase(),
  );
  return [...new Set(clean.filter((tag) => tag !== ''))].join(',');
}

/**
 * Adds a file to the library and to the search index. Rejects with a SQLite UNIQUE constraint
 * error when its file_id or file_unique_id is already there.
 */
export async function addFile(db: Db, file: NewFile): Promise<LibraryFile> {
  return db.insertInto('files').values(toRow(file)).returning(COLUMNS).executeTakeFirstOrThrow();
}

/**
 * Adds many files at once, all or none, as an import does; far faster than one by one. Rejects
 * like {@link addFile} when any file is already there. Returns the rows in the order given.
 */
export async function addFiles(db: Db, files: readonly NewFile[]): Promise<LibraryFile[]> {
  if (files.length === 0) return [];
  if (!db.isTransaction) return db.transaction().execute((trx) => addFiles(trx, files));
  const added: LibraryFile[] = [];
  // A few hundred rows a statement stays well inside SQLite's limit on bound parameters.
  for (let start = 0; start < files.length; start += 500) {
    const rows = files.slice(start, start + 500).map(toRow);
    added.push(...(await db.insertInto('files').values(rows).returning(COLUMNS).execute()));
  }
  return added;
}

/** The file with this library id, if any. */
export async function findFile(db: Db, id: number): Promise<LibraryFile | undefined> {
  return db.selectFrom('files').select(COLUMNS).where('id', '=', id).executeTakeFirst();
}

/**
 * The file with this Telegram file_unique_id (the same file re-sent by anyone), if any: the
 * original's, or its processed copy's.
 */
export async function findFileByUniqueId(
  db: Db,
  uniqueId: string,
): Promise<LibraryFile | undefined> {
  return db
    .selectFrom('files')
    .select(COLUMNS)
    .where((eb) =>
      eb.or([eb('file_unique_id', '=', uniqueId), eb('processed_file_unique_id', '=', uniqueId)]),
    )
    .executeTakeFirst();
}

/** Changes a file's title and/or tags and re-indexes it; undefined if there is no such file. */
export async function updateFileDetails(
  db: Db,
  id: number,
  details: FileDetails,
): Promise<LibraryFile | undefined> {
  const tags = details.tags === undefined ? undefined : formatTags(details.tags);
  return db
    .updateTable('files')
    .set({
      ...(details.title === undefined
        ? {}
        : { title: details.title, search_title: toSearchText(details.title) }),
      ...(tags === undefined ? {} : { tags, search_tags: toSearchText(tags) }),
      updated_at: Date.now(),
    })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
}

/** A file's processed copy, as Telegram answered its upload. */
export interface ProcessedCopy {
  fileId: string;
  fileUniqueId: string;
  /** The kind Telegram made of it, which may differ from the original's. */
  kind: FileKind;
  /** The thumbnail Telegram kept; the original's is left alone without one. */
  thumbnailFileId: string | undefined;
}

/** Records the processed copy of a file (renamed, with the default thumbnail). */
export async function setProcessedFile(db: Db, id: number, copy: ProcessedCopy): Promise<boolean> {
  const result = await db
    .updateTable('files')
    .set({
      processed_file_id: copy.fileId,
      processed_file_unique_id: copy.fileUniqueId,
      processed_type: copy.kind,
      ...(copy.thumbnailFileId === undefined ? {} : { thumbnail_file_id: copy.thumbnailFileId }),
      updated_at: Date.now(),
    })
    .where('id', '=', id)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * Deletes a file; it leaves the search index in the same statement and its download records go
 * with it. Returns false if there was no such file.
 */
export async function deleteFile(db: Db, id: number): Promise<boolean> {
  const result = await db.deleteFrom('files').where('id', '=', id).executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/** One page of the library, newest first, and how many files there are in all. */
export async function listFiles(
  db: Db,
  page: { limit: number; offset: number; type?: FileKind },
): Promise<{ items: LibraryFile[]; total: number }> {
  let query = db.selectFrom('files');
  if (page.type) query = query.where('type', '=', page.type);
  // The whole library's count is kept by triggers; only a filter needs counting.
  const total = page.type
    ? (await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow())
        .total
    : await readCounter(db, 'files');
  const items = await query
    .select(COLUMNS)
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .execute();
  return { items, total };
}

/**
 * The longest prefix the full-text index keeps a list for (migration 0008). A longer word is
 * looked up by its first this many characters, so the caller must check the rest.
 */
export const INDEXED_PREFIX = 8;

/** A file matching a search, with what ranking it needs and nothing more. */
export interface SearchMatch {
  id: number;
  search_title: string;
  search_tags: string;
  downloads_count: number;
}

/**
 * The newest files (highest ids) matching every word of a search, at most `limit` of them.
 * Read in id order straight off the full-text index, so the work is bounded by `limit`, not by
 * how many files match: nothing is scored or sorted here.
 */
export async function findMatches(
  db: Db,
  words: SearchWords,
  limit: number,
  type?: FileKind,
): Promise<SearchMatch[]> {
  const match = toMatchExpression(words);
  if (match === null || limit < 1) return [];
  let query = db
    .selectFrom('files_fts')
    .innerJoin('files', 'files.id', 'files_fts.rowid')
    .select(['files.id', 'files.search_title', 'files.search_tags', 'files.downloads_count'])
    .where(sql<boolean>`files_fts MATCH ${match}`);
  if (type) query = query.where('files.type', '=', type);
  return query.orderBy('files_fts.rowid', 'desc').limit(limit).execute();
}

/**
 * One bounded step of merging the search index's segments: FTS5 adds a segment per write and
 * merges them only four at a time, and a search reads every segment. Each step writes about
 * `pages` leaf pages, merging any two segments of one level (migration 0012); resolves with
 * false once there was nothing left to merge.
 */
export async function mergeSearchIndex(db: Db, pages: number): Promise<boolean> {
  if (!db.isTransaction) return db.transaction().execute((trx) => mergeSearchIndex(trx, pages));
  const changes = sql<{ n: number }>`SELECT total_changes() AS n`;
  const before = (await changes.execute(db)).rows[0]?.n ?? 0;
  await sql`INSERT INTO files_fts (files_fts, rank) VALUES ('merge', ${pages})`.execute(db);
  const after = (await changes.execute(db)).rows[0]?.n ?? 0;
  // FTS5's documented test: a step that merged something changed at least two rows.
  return after - before >= 2;
}

/** The files with these ids, in the order given; ids of files that are gone are skipped. */
export async function findFiles(db: Db, ids: readonly number[]): Promise<LibraryFile[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('files').select(COLUMNS).where('id', 'in', ids).execute();
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

function toRow(file: NewFile): Insertable<FilesTable> {
  const tags = formatTags(file.tags ?? []);
  return { ...file, tags, search_title: toSearchText(file.title), search_tags: toSearchText(tags) };
}

// Each form becomes a quoted term, so nothing the user typed is read as FTS5 syntax (operators,
// column filters, NEAR, stray quotes); the forms of a word are alternatives and all words are
// required. Forms of two or more characters are prefixes, cut to the indexed length; a
// one-character form is a whole word, since the index has no one-character prefixes and
// expanding one means merging the entries of every word starting with that letter. Null when
// nothing can match: no words, or a word with no forms.
function toMatchExpression(words: SearchWords): string | null {
  if (words.length === 0 || words.some((forms) => forms.length === 0)) return null;
  return words
    .map((forms) => {
      const terms = forms.map((form) => {
        const chars = [...form];
        const term = chars.slice(0, INDEXED_PREFIX).join('').replaceAll('"', '""');
        return chars.length > 1 ? `"${term}"*` : `"${term}"`;
      });
      return terms.length === 1 ? terms[0] : `(${terms.join(' OR ')})`;
    })
    .join(' AND ');
}

/**
 * Drops a file's processed copy and queues its processing again, together: the next copy
 * carries the current title and default thumbnail. Undefined when there is no such file.
 */
export async function reprocessFile(db: Db, id: number): Promise<LibraryFile | undefined> {
  if (!db.isTransaction) return db.transaction().execute((trx) => reprocessFile(trx, id));
  const file = await db
    .updateTable('files')
    .set({
      processed_file_id: null,
      processed_file_unique_id: null,
      processed_type: null,
      thumbnail_file_id: null,
      updated_at: Date.now(),
    })
    .where('id', '=', id)
    .returning(COLUMNS)
    .executeTakeFirst();
  if (file) await enqueueJob(db, id, null);
  return file;
}
