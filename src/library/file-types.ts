import { extname } from 'node:path';

/** What a library of lessons keeps: documents, books, slides, sheets, archives, audio, video. */
const ALLOWED_EXTENSIONS = new Set([
  ...['.pdf', '.doc', '.docx', '.odt', '.rtf', '.txt', '.md', '.epub', '.djvu', '.fb2', '.mobi'],
  ...['.ppt', '.pptx', '.odp', '.xls', '.xlsx', '.ods', '.csv', '.zip', '.rar', '.7z'],
  ...['.jpg', '.jpeg', '.png', '.mp3', '.m4a', '.aac', '.ogg', '.oga', '.opus', '.wav', '.flac'],
  ...['.wma', '.mp4', '.m4v', '.mkv', '.mov', '.avi', '.webm', '.3gp'],
]);
const ALLOWED_MIME = /^(audio|video)\/|^application\/(pdf|epub\+zip)$|^text\/plain$/;

/**
 * Why a file may not enter the library, or undefined when it may: its extension (e.g.
 * `.exe`) or, for a file without one, its MIME type, when it is not on the allowed list.
 */
export function refusedType(
  fileName: string | undefined,
  mimeType: string | undefined,
): string | undefined {
  const extension = fileName ? extname(fileName).toLowerCase() : '';
  if (extension) return ALLOWED_EXTENSIONS.has(extension) ? undefined : extension;
  const mime = mimeType?.split(';')[0]?.trim().toLowerCase() ?? '';
  return ALLOWED_MIME.test(mime) ? undefined : mime || 'unknown';
}

/** The title with the suffix, unless the admin already wrote it. */
export function withSuffix(title: string, suffix: string): string {
  return title.toLowerCase().endsWith(suffix.trim().toLowerCase()) ? title : `${title}${suffix}`;
}

export const MAX_TITLE_LENGTH = 200;
