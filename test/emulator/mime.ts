import { extname } from 'node:path';

const BY_EXT: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.html': 'text/html',
  '.json': 'application/json',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.ppt': 'application/vnd.ms-powerpoint',
  '.pptx': 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  '.epub': 'application/epub+zip',
  '.djvu': 'image/vnd.djvu',
  '.zip': 'application/zip',
  '.rar': 'application/x-rar-compressed',
  '.7z': 'application/x-7z-compressed',
  '.mp3': 'audio/mpeg',
  '.m4a': 'audio/mp4',
  '.aac': 'audio/aac',
  '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg',
  '.opus': 'audio/ogg',
  '.wav': 'audio/x-wav',
  '.flac': 'audio/flac',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mkv': 'video/x-matroska',
  '.mov': 'video/quicktime',
  '.avi': 'video/x-msvideo',
  '.webm': 'video/webm',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
};

const EXT_BY_MIME: Record<string, string> = Object.fromEntries(
  Object.entries(BY_EXT).map(([ext, mime]) => [mime, ext]),
);

/**
 * The MIME type the server would report: Telegram ignores a generic part type
 * (grammY always sends application/octet-stream) and guesses from the extension.
 */
export function guessMime(fileName: string | undefined, partType: string | undefined): string {
  const declared = partType?.split(';')[0]?.trim().toLowerCase();
  if (declared && declared !== 'application/octet-stream') return declared;
  const byExt = fileName ? BY_EXT[extname(fileName).toLowerCase()] : undefined;
  return byExt ?? 'application/octet-stream';
}

/** A file extension for a stored file's `file_path`, from its name or MIME type. */
export function extensionFor(fileName: string | undefined, mimeType: string | undefined): string {
  const fromName = fileName ? extname(fileName).toLowerCase() : '';
  if (/^\.[a-z0-9]{1,8}$/.test(fromName)) return fromName;
  return (mimeType && EXT_BY_MIME[mimeType]) || '';
}
