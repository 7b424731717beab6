import type { MessageEntity } from 'grammy/types';
import { badRequest } from './errors.js';
import type { Formatted } from './html.js';

// MarkdownV2 reserves these outside entities: each must be escaped with a backslash.
const RESERVED_V2 = new Set('_*[]()~`>#+-=|{}.!'.split(''));

const NAMES: Record<string, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
};

/** What each MarkdownV2 marker opens (and, met again, closes). */
const MARKERS: Record<string, Open['type'] | undefined> = {
  '*': 'bold',
  _: 'italic',
  __: 'underline',
  '~': 'strikethrough',
  '||': 'spoiler',
  '[': 'text_link',
};

interface Open {
  type: 'bold' | 'italic' | 'underline' | 'strikethrough' | 'spoiler' | 'text_link';
  marker: string;
  /** Where the entity starts in the parsed text (UTF-16 units). */
  offset: number;
  /** Where its marker is in the source (bytes, as the server's errors say). */
  byte: number;
}

const fail = (what: string): never => {
  throw badRequest(`can't parse entities: ${what}`);
};

/**
 * Parses MarkdownV2 as the server does (tdlib parse_markdown_v2): *bold*, _italic_,
 * __underline__, ~strike~, ||spoiler||, [text](url), `code`, ```pre```, > quotes, and
 * backslash escapes. An unescaped reserved character or an entity left open is refused
 * with the server's texts.
 */
export function parseMarkdownV2(source: string): Formatted {
  let text = '';
  const entities: MessageEntity[] = [];
  const stack: Open[] = [];
  const byteAt = (at: number) => Buffer.byteLength(source.slice(0, at));
  const add = (entity: MessageEntity) => {
    if (entity.length > 0) entities.push(entity);
  };
  let quote: { offset: number } | undefined;
  let i = 0;
  while (i < source.length) {
    const atLineStart = i === 0 || source[i - 1] === '\n';
    if (atLineStart && quote && source[i] !== '>') {
      add({ type: 'blockquote', offset: quote.offset, length: text.length - quote.offset });
      quote = undefined;
    }
    const c = source[i] as string;
    const code = source.charCodeAt(i + 1);
    if (c === '\\' && i + 1 < source.length && code > 0 && code <= 126) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (!RESERVED_V2.has(c)) {
      text += c;
      i++;
      continue;
    }
    if (c === '>' && atLineStart) {
      quote ??= { offset: text.length };
      i++;
      continue;
    }
    if (c === '`') {
      i = codeOrPre(source, i, text.length, byteAt, (entity, content) => {
        add(entity);
        text += content;
      });
      continue;
    }
    const top = stack.at(-1);
    if (c === ']' && top?.type === 'text_link') {
      stack.pop();
      if (source[i + 1] !== '(')
        fail(`Character ']' is reserved and must be escaped with the preceding '\\'`);
      let url = '';
      let j = i + 2;
      while (j < source.length && source[j] !== ')') {
        if (source[j] === '\\' && j + 1 < source.length) j++;
        url += source[j];
        j++;
      }
      if (j >= source.length) fail(`Can't find end of a URL at byte offset ${byteAt(i + 1)}`);
      add({ type: 'text_link', offset: top.offset, length: text.length - top.offset, url });
      i = j + 1;
      continue;
    }
    const marker =
      c === '_' && source[i + 1] === '_' && top?.type !== 'italic'
        ? '__'
        : c === '|' && source[i + 1] === '|'
          ? '||'
          : c;
    const type = MARKERS[marker];
    if (type === undefined) {
      return fail(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    }
    const open = stack.findIndex((entry) => entry.marker === marker);
    if (open >= 0 && marker !== '[') {
      if (open !== stack.length - 1) {
        const inner = stack.at(-1) as Open;
        fail(`Can't find end of ${NAMES[inner.type]} entity at byte offset ${inner.byte}`);
      }
      // Links close at ']' above: what closes here is a plain style.
      const { offset } = stack.pop() as Open;
      add({ type, offset, length: text.length - offset } as MessageEntity);
    } else {
      stack.push({ type, marker, offset: text.length, byte: byteAt(i) });
    }
    i += marker.length;
  }
  if (quote) add({ type: 'blockquote', offset: quote.offset, length: text.length - quote.offset });
  const unclosed = stack.pop();
  if (unclosed)
    fail(`Can't find end of ${NAMES[unclosed.type]} entity at byte offset ${unclosed.byte}`);
  return { text, entities: sorted(entities) };
}

/**
 * Parses legacy Markdown as the server does (tdlib parse_markdown): *bold*, _italic_,
 * `code`, ```pre``` and [text](url), not nested; `\` escapes `_*`[` outside entities. An
 * entity without its end is refused with the server's text.
 */
export function parseMarkdown(source: string): Formatted {
  let text = '';
  const entities: MessageEntity[] = [];
  const byteAt = (at: number) => Buffer.byteLength(source.slice(0, at));
  const noEnd = (at: number): never =>
    fail(`Can't find end of the entity starting at byte offset ${byteAt(at)}`);
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (c === '\\' && '_*`['.includes(source[i + 1] ?? ' ')) {
      text += source[i + 1];
      i += 2;
      continue;
    }
    if (!'_*`['.includes(c)) {
      text += c;
      i++;
      continue;
    }
    if (c === '`' && source.startsWith('```', i)) {
      const end = source.indexOf('```', i + 3);
      if (end < 0) noEnd(i);
      const block = source.slice(i + 3, end);
      const newline = block.indexOf('\n');
      const language = newline > 0 ? block.slice(0, newline) : '';
      const content = language ? block.slice(newline + 1) : block;
      entities.push({
        type: 'pre',
        offset: text.length,
        length: content.length,
        ...(language ? { language } : {}),
      });
      text += content;
      i = end + 3;
      continue;
    }
    if (c === '[') {
      const close = source.indexOf(']', i + 1);
      if (close < 0 || source[close + 1] !== '(') noEnd(i);
      const end = source.indexOf(')', close + 2);
      if (end < 0) noEnd(i);
      const label = source.slice(i + 1, close);
      entities.push({
        type: 'text_link',
        offset: text.length,
        length: label.length,
        url: source.slice(close + 2, end),
      });
      text += label;
      i = end + 1;
      continue;
    }
    const end = source.indexOf(c, i + 1);
    if (end < 0) noEnd(i);
    const content = source.slice(i + 1, end);
    const type = c === '*' ? 'bold' : c === '_' ? 'italic' : 'code';
    if (content.length > 0) entities.push({ type, offset: text.length, length: content.length });
    text += content;
    i = end + 1;
  }
  return { text, entities: sorted(entities) };
}

/**
 * `code` or a ```pre``` block starting at `at`: inside, only ` and \ are escaped. Hands
 * the entity and its text to `emit`; returns where parsing goes on.
 */
function codeOrPre(
  source: string,
  at: number,
  offset: number,
  byteAt: (at: number) => number,
  emit: (entity: MessageEntity, content: string) => void,
): number {
  const fence = source.startsWith('```', at) ? '```' : '`';
  let content = '';
  let j = at + fence.length;
  while (j < source.length && !source.startsWith(fence, j)) {
    if (source[j] === '\\' && (source[j + 1] === '`' || source[j + 1] === '\\')) j++;
    content += source[j];
    j++;
  }
  if (j >= source.length) {
    fail(
      `Can't find end of ${fence === '`' ? 'Code' : 'PreCode'} entity at byte offset ${byteAt(at)}`,
    );
  }
  if (fence === '`') {
    emit({ type: 'code', offset, length: content.length }, content);
  } else {
    const newline = content.indexOf('\n');
    const language =
      newline > 0 && !/\s/.test(content.slice(0, newline)) ? content.slice(0, newline) : '';
    const body = language ? content.slice(newline + 1) : content;
    emit({ type: 'pre', offset, length: body.length, ...(language ? { language } : {}) }, body);
  }
  return j + fence.length;
}

function sorted(entities: MessageEntity[]): MessageEntity[] {
  return entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
}
