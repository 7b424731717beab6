import type { MessageEntity } from 'grammy/types';
import { badRequest } from './errors.js';

/** Plain text and the entities a parse_mode produced. */
export interface Formatted {
  text: string;
  entities: MessageEntity[];
}

const SIMPLE: Record<string, MessageEntity['type']> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  code: 'code',
  pre: 'pre',
};

const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

interface Open {
  tag: string;
  offset: number;
  entity: MessageEntity | undefined;
}

/**
 * Parses Telegram's HTML subset the way the server does: tags become entities (offsets in
 * UTF-16 units), `&lt;`-style entities are decoded, and an unsupported or unbalanced tag is
 * refused with `Bad Request: can't parse entities: ...` (a raw `<` in user text is the
 * classic way to hit it).
 */
export function parseHtml(html: string): Formatted {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw badRequest(`can't parse entities: ${what}`);
  };
  const byteOffset = (at: number) => Buffer.byteLength(html.slice(0, at));
  while (i < html.length) {
    const ch = html[i] as string;
    if (ch === '&') {
      const match = /^&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/.exec(html.slice(i, i + 12));
      const decoded = match ? decodeEntity(match[1] as string) : undefined;
      if (match && decoded !== undefined) {
        text += decoded;
        i += match[0].length;
      } else {
        text += '&'; // the server keeps an ampersand that starts no known entity
        i++;
      }
      continue;
    }
    if (ch !== '<') {
      text += ch;
      i++;
      continue;
    }
    const close = html.indexOf('>', i);
    if (close < 0) fail(`Unclosed start tag at byte offset ${byteOffset(i)}`);
    const inner = html.slice(i + 1, close);
    if (inner.startsWith('/')) {
      const name = inner.slice(1).trim().toLowerCase();
      const open = stack.pop();
      if (!open) fail(`Unexpected end tag at byte offset ${byteOffset(i)}`);
      else if (name !== '' && name !== open.tag) {
        fail(
          `Unmatched end tag at byte offset ${byteOffset(i)}, expected "</${open.tag}>", found "</${name}>"`,
        );
      } else if (open.entity && text.length > open.offset) {
        entities.push({ ...open.entity, offset: open.offset, length: text.length - open.offset });
      }
    } else {
      const nameMatch = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(inner);
      const tag = (nameMatch?.[0] ?? '').toLowerCase();
      const entity = startEntity(tag, inner.slice(tag.length), stack);
      if (entity === undefined)
        fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(i)}`);
      stack.push({ tag, offset: text.length, entity: entity || undefined });
    }
    i = close + 1;
  }
  const unclosed = stack.pop();
  if (unclosed) fail(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

/** The entity a start tag opens; null for a tag that opens none (code inside pre). */
function startEntity(tag: string, attrs: string, stack: Open[]): MessageEntity | null | undefined {
  const attr = (name: string) =>
    new RegExp(`${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)'|([^\\s>]+))`, 'i').exec(attrs);
  const value = (m: RegExpExecArray | null) => m?.[1] ?? m?.[2] ?? m?.[3];
  const base = { offset: 0, length: 0 };
  if (tag === 'code' && stack.at(-1)?.tag === 'pre') {
    // <pre><code class="language-x"> sets the pre block's language instead.
    const language = value(attr('class'))?.replace(/^language-/, '');
    const pre = stack.at(-1)?.entity;
    if (pre && pre.type === 'pre' && language) pre.language = language;
    return null;
  }
  const simple = SIMPLE[tag];
  if (simple) return { ...base, type: simple } as MessageEntity;
  if (tag === 'span' && value(attr('class')) === 'tg-spoiler') return { ...base, type: 'spoiler' };
  if (tag === 'a') {
    const href = value(attr('href'));
    if (href === undefined) return null;
    const mention = /^tg:\/\/user\?id=(\d+)$/.exec(href);
    if (mention) return null; // would need the user object; kept as plain text
    return { ...base, type: 'text_link', url: href };
  }
  if (tag === 'blockquote') {
    return {
      ...base,
      type: /\bexpandable\b/i.test(attrs) ? 'expandable_blockquote' : 'blockquote',
    };
  }
  if (tag === 'tg-emoji') {
    return { ...base, type: 'custom_emoji', custom_emoji_id: value(attr('emoji-id')) ?? '' };
  }
  return undefined;
}

function decodeEntity(body: string): string | undefined {
  if (body.startsWith('#x')) return safeCodePoint(Number.parseInt(body.slice(2), 16));
  if (body.startsWith('#')) return safeCodePoint(Number.parseInt(body.slice(1), 10));
  return NAMED[body.toLowerCase()];
}

function safeCodePoint(n: number): string | undefined {
  return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

/**
 * The server strips leading and trailing whitespace from text and captions and shifts the
 * entities to match, dropping those left empty.
 */
export function trimFormatted({ text, entities }: Formatted): Formatted {
  const start = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const out: MessageEntity[] = [];
  for (const entity of entities) {
    const from = Math.max(0, entity.offset - start);
    const to = Math.min(trimmed.length, entity.offset + entity.length - start);
    if (to > from) out.push({ ...entity, offset: from, length: to - from });
  }
  return { text: trimmed, entities: out };
}
