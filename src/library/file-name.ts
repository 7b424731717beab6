import { extname } from 'node:path';
import type { FileKind, LibraryFile } from '../db/schema.js';

// The Bot API server cleans every uploaded file's name (tdlib's clean_filename): the stem
// (up to the last dot) keeps at most 64 characters and the extension 16; control characters,
// < > : " / \ | ? * & ` ' and every other non-ASCII character that is not a letter or a
// digit become spaces (combining marks vanish); leading and trailing spaces and dots go.
// The names built here already obey those rules, so they arrive exactly as built.
const MAX_STEM = 64;

/** What a processed file's name is made of. */
export type NamedFile = Pick<LibraryFile, 'title' | 'file_name' | 'mime_type' | 'type'>;

/**
 * The processed file's name: `<title><original extension>`, made to pass the server's name
 * cleaning unchanged. Uzbek apostrophes become ʼ (U+02BC, a letter the server keeps), other
 * characters it would change become spaces, and a title too long for the stem is shortened
 * at a word boundary, keeping `suffix` (` - PrimeLingoBot`) when the title ends with it.
 * The extension comes from the original name (`.tar.gz` kept whole), else the MIME type,
 * else the kind.
 */
export function targetFileName(file: NamedFile, suffix: string): string {
  const extension = extensionOf(file.file_name, file.mime_type, file.type);
  // Without an extension, a dot in the title would be read as the start of one.
  const title = safeText(file.title, extension !== '');
  const ending = safeText(suffix.trim(), extension !== '');
  const hasEnding = ending !== '' && title.toLowerCase().endsWith(ending.toLowerCase());
  const head = hasEnding ? title.slice(0, title.length - ending.length) : title;
  const tail = hasEnding ? title.slice(title.length - ending.length) : '';
  // Only the last dot starts the extension: `.tar` of `.tar.gz` counts towards the stem.
  const inner = extension.slice(0, Math.max(0, extension.lastIndexOf('.')));
  let stem = title;
  if (length(title) + length(inner) > MAX_STEM) {
    const room = MAX_STEM - length(inner) - (tail ? length(tail) + 1 : 0);
    stem = [shorten(head, room), tail].filter(Boolean).join(' ');
  }
  stem = stem.replace(/^[\s.]+|[\s.]+$/gu, '');
  return `${stem || 'file'}${extension}`;
}

// An apostrophe after a letter is the Uzbek tutuq belgisi or the ʻ of oʻ/gʻ: both read as ʼ.
const APOSTROPHE = /(?<=\p{L})['`‘’]/gu;

/** The text with every character the server would change replaced, runs of spaces single. */
function safeText(text: string, keepDots: boolean): string {
  let out = '';
  const prepared = text.normalize('NFC').replace(APOSTROPHE, 'ʼ').replace(/[/\\]/g, '-');
  for (const char of prepared) {
    if (/[\p{M}\p{Cf}]/u.test(char)) continue;
    out += isKept(char) && (keepDots || char !== '.') ? char : ' ';
  }
  return out.replace(/\s+/gu, ' ').trim();
}

const FORBIDDEN_ASCII = /[<>:"/\\|?*&`']/;

function isKept(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  if (code < 32 || code === 127) return false;
  if (code < 127) return !FORBIDDEN_ASCII.test(char);
  return /[\p{L}\p{N}]/u.test(char);
}

/** At most `max` characters, cut after a whole word when there is one to cut after. */
function shorten(text: string, max: number): string {
  if (max <= 0) return '';
  const chars = Array.from(text);
  const cut = chars.slice(0, max).join('');
  const space = cut.lastIndexOf(' ');
  const words = chars[max] === ' ' || space <= 0 ? cut : cut.slice(0, space);
  // A dangling dash or comma before the suffix would read as a typo.
  return words.replace(/[\s.,;\-–]+$/u, '');
}

function length(text: string): number {
  return Array.from(text).length;
}

// Extensions for files whose name does not tell (sent without one, or with a bare name).
const EXTENSION_BY_MIME: Record<string, string> = {
  'application/pdf': '.pdf',
  'application/epub+zip': '.epub',
  'application/msword': '.doc',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': '.docx',
  'application/vnd.ms-excel': '.xls',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': '.xlsx',
  'application/vnd.ms-powerpoint': '.ppt',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': '.pptx',
  'application/zip': '.zip',
  'application/x-zip-compressed': '.zip',
  'application/x-rar-compressed': '.rar',
  'application/vnd.rar': '.rar',
  'application/x-7z-compressed': '.7z',
  'image/vnd.djvu': '.djvu',
  'text/plain': '.txt',
  'audio/mpeg': '.mp3',
  'audio/mp3': '.mp3',
  'audio/mp4': '.m4a',
  'audio/x-m4a': '.m4a',
  'audio/aac': '.aac',
  'audio/ogg': '.ogg',
  'audio/opus': '.opus',
  'audio/flac': '.flac',
  'audio/x-wav': '.wav',
  'audio/wav': '.wav',
  'video/mp4': '.mp4',
  'video/x-matroska': '.mkv',
  'video/quicktime': '.mov',
  'video/webm': '.webm',
  'video/x-msvideo': '.avi',
  'image/jpeg': '.jpg',
  'image/png': '.png',
};
// sendAudio takes MP3/M4A and sendVideo MP4: the likeliest name when nothing else tells.
const EXTENSION_BY_KIND: Record<FileKind, string> = {
  document: '',
  audio: '.mp3',
  video: '.mp4',
};
const COMPOUND = /\.tar\.(gz|bz2|xz|zst)$/i;

function extensionOf(fileName: string | null, mimeType: string | null, kind: FileKind): string {
  if (fileName) {
    const compound = COMPOUND.exec(fileName);
    if (compound) return compound[0];
    const ext = extname(fileName);
    if (/^\.[A-Za-z0-9]{1,10}$/.test(ext)) return ext;
  }
  const mime = mimeType?.split(';')[0]?.trim().toLowerCase();
  return (mime && EXTENSION_BY_MIME[mime]) || EXTENSION_BY_KIND[kind];
}
