/**
 * tdlib's `clean_filename` (td/utils/filesystem.cpp), which the server applies to every
 * uploaded file's name: only the last path component counts, the stem is cut to 64
 * characters and the extension to 16, forbidden characters become spaces, and leading and
 * trailing spaces and dots go. '' when nothing is left.
 */
export function cleanFileName(name: string): string {
  // PathView: `/` and `\` separate directories; the last dot splits stem and extension,
  // unless it is the name's first character (`.git` is a stem).
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  const dot = base.lastIndexOf('.');
  const stem = dot > 0 ? base.slice(0, dot) : base;
  const extension = dot > 0 ? base.slice(dot + 1) : '';
  const cleanStem = cleanPart(stem, 64);
  const cleanExtension = cleanPart(extension, 16);
  if (!cleanExtension) return cleanStem;
  return cleanStem ? `${cleanStem}.${cleanExtension}` : cleanExtension;
}

// ASCII the server refuses in names, besides control characters.
const FORBIDDEN_ASCII = new Set(['<', '>', ':', '"', '/', '\\', '|', '?', '*', '&', '`', "'"]);

function cleanPart(part: string, maxLength: number): string {
  const kept: string[] = [];
  for (const char of part) {
    if (kept.length >= maxLength) break;
    let code = char;
    if (!isKept(char)) {
      // tdlib's prepare_search_character maps combining marks and format characters to
      // nothing: those vanish instead of becoming spaces.
      if (/[\p{M}\p{Cf}]/u.test(char)) continue;
      code = ' ';
    }
    if (kept.length === 0 && (code === ' ' || code === '.')) continue;
    kept.push(code);
  }
  while (kept.length > 0 && (kept.at(-1) === ' ' || kept.at(-1) === '.')) kept.pop();
  return kept.join('');
}

function isKept(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  if (code < 32) return false;
  if (code < 127) return !FORBIDDEN_ASCII.has(char);
  return /[\p{L}\p{N}]/u.test(char);
}

/**
 * The file name the server reads from a part's Content-Disposition `filename` value (already
 * cut at `;` and unquoted by the header parser): `%XX` escapes are decoded, and a name whose
 * bytes are then not UTF-8 is refused ('') as tdlib's check_utf8 does.
 */
export function decodeFileName(value: string): string {
  if (!value.includes('%')) return value;
  const raw = Buffer.from(value);
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const hex = raw.subarray(i + 1, i + 3).toString('latin1');
    if (raw[i] === 0x25 && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(Number.parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(raw[i] ?? 0);
    }
  }
  try {
    return UTF8.decode(Uint8Array.from(bytes));
  } catch {
    return '';
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });
