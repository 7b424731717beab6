import { extname } from 'node:path';

/** Programs and scripts: a library of lessons has no business serving them. */
const BLOCKED_EXTENSIONS = new Set([
  '.exe',
  '.msi',
  '.bat',
  '.cmd',
  '.com',
  '.scr',
  '.pif',
  '.cpl',
  '.dll',
  '.sys',
  '.ps1',
  '.psm1',
  '.vbs',
  '.vbe',
  '.js',
  '.jse',
  '.wsf',
  '.wsh',
  '.hta',
  '.jar',
  '.sh',
  '.bash',
  '.run',
  '.bin',
  '.app',
  '.apk',
  '.xapk',
  '.ipa',
  '.deb',
  '.rpm',
  '.dmg',
  '.pkg',
  '.lnk',
  '.reg',
]);
const BLOCKED_MIME_TYPES = new Set([
  'application/x-msdownload',
  'application/x-msdos-program',
  'application/x-executable',
  'application/x-sh',
  'application/x-bat',
  'application/vnd.android.package-archive',
  'application/java-archive',
]);

/**
 * Why a file may not enter the library, or undefined when it may: the blocked extension
 * (e.g. `.exe`) or MIME type.
 */
export function blockedType(
  fileName: string | undefined,
  mimeType: string | undefined,
): string | undefined {
  const extension = fileName ? extname(fileName).toLowerCase() : '';
  if (BLOCKED_EXTENSIONS.has(extension)) return extension;
  const mime = mimeType?.split(';')[0]?.trim().toLowerCase();
  return mime && BLOCKED_MIME_TYPES.has(mime) ? mime : undefined;
}

/** Admin-given tags: comma-separated, trimmed, lower-cased, empty ones and repeats dropped. */
export function parseTags(text: string): string[] {
  const tags = text.split(',').map((tag) => tag.trim().toLowerCase());
  return [...new Set(tags.filter(Boolean))];
}

/** The title with the suffix, unless the admin already wrote it. */
export function withSuffix(title: string, suffix: string): string {
  return title.toLowerCase().endsWith(suffix.trim().toLowerCase()) ? title : `${title}${suffix}`;
}

export const MAX_TITLE_LENGTH = 200;
