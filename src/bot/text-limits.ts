/** Telegram refuses a message text longer than this (UTF-16 units, as counted here). */
export const MAX_TEXT_LENGTH = 4096;

/**
 * How much of a stored text (a title, an error) a message shows: far more than the upload
 * dialog lets an admin type, yet small enough that any message holding a few still fits
 * Telegram's limits whatever the database holds. The database keeps the whole text.
 */
export const MAX_SHOWN_LENGTH = 256;

/** The text cut to at most `max` UTF-16 units, ending in "…" when cut. */
export function clip(text: string, max = MAX_SHOWN_LENGTH): string {
  if (text.length <= max) return text;
  let end = max - 1;
  // Never leave half of a surrogate pair (an emoji) before the ellipsis.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}
