import type { Message, MessageEntity, ReplyParameters } from 'grammy/types';
import type { Target } from '../chats.js';
import { badRequest, tooManyRequests } from '../errors.js';
import type { FileKind, StoredFile } from '../files.js';
import { type Formatted, parseHtml, trimFormatted } from '../html.js';
import { parseMarkdown, parseMarkdownV2 } from '../markdown.js';
import { replyMarkup } from '../markup.js';
import type { UploadedFile } from '../multipart.js';
import { isUpload, optBool, optInt, optJson, optStr, type Params } from '../params.js';
import type { CallContext, State } from '../state.js';

/** Text limits of the Bot API, in UTF-16 units after entity parsing. */
export const MAX_TEXT = 4096;
export const MAX_CAPTION = 1024;

// The parse modes the server knows (case does not matter), each parsed as it does.
const PARSERS: Record<string, (text: string) => Formatted> = {
  html: parseHtml,
  markdownv2: parseMarkdownV2,
  markdown: parseMarkdown,
};

/**
 * A text or caption with its entities: explicit entities win, else the parse mode is
 * parsed like the server does (an unknown one is refused). Whitespace at the ends is
 * stripped.
 */
export function formatted(params: Params, field: 'text' | 'caption'): Formatted | undefined {
  const raw = optStr(params, field);
  if (raw === undefined) return undefined;
  const entitiesField = field === 'text' ? 'entities' : 'caption_entities';
  const explicit = optJson<MessageEntity[]>(params, entitiesField);
  const mode = optStr(params, 'parse_mode')?.toLowerCase();
  const parse = mode ? PARSERS[mode] : undefined;
  if (mode && !parse) throw badRequest('unsupported parse_mode');
  if (explicit) return trimFormatted({ text: raw, entities: explicit });
  return trimFormatted(parse ? parse(raw) : { text: raw, entities: [] });
}

/** Puts text/caption and entities on a message, omitting empty entity lists. */
export function withText(message: Partial<Message>, field: 'text' | 'caption', value: Formatted) {
  const target = message as Record<string, unknown>;
  target[field] = value.text;
  const key = field === 'text' ? 'entities' : 'caption_entities';
  if (value.entities.length > 0) target[key] = value.entities;
  else delete target[key];
}

/** The caption of a media send, checked against the caption limit. */
export function caption(params: Params): Formatted | undefined {
  const value = formatted(params, 'caption');
  if (value && value.text.length > MAX_CAPTION) throw badRequest('message caption is too long');
  return value && value.text !== '' ? value : undefined;
}

/** A file parameter: a new upload to adopt, or a stored file reused by id. */
export type FileRef = { upload: UploadedFile } | { file: StoredFile };

/** Resolves `document`/`audio`/... to an upload or a known file_id of the same kind. */
export function fileRef(state: State, value: unknown, kind: FileKind, field: string): FileRef {
  if (isUpload(value)) {
    if (value.size === 0) throw badRequest('file must be non-empty');
    return { upload: value };
  }
  if (typeof value !== 'string' || value === '')
    throw badRequest(`there is no ${field} in the request`);
  if (/^https?:\/\//i.test(value)) throw badRequest('failed to get HTTP URL content');
  const file = state.files.get(value);
  if (!file) throw badRequest('wrong file identifier/HTTP URL specified');
  if (file.kind !== kind) throw badRequest('type of file mismatch');
  return { file };
}

/** The message a send replies to, per reply_parameters or reply_to_message_id. */
function replyTo(state: State, chatId: number, params: Params): Message | undefined {
  const parameters = optJson<ReplyParameters>(params, 'reply_parameters');
  const id = parameters?.message_id ?? optInt(params, 'reply_to_message_id');
  if (id === undefined) return undefined;
  const stored = state.messages.get(chatId, id);
  if (stored) {
    const { reply_to_message: _nested, ...quoted } = stored.message;
    return structuredClone(quoted) as Message;
  }
  const lenient =
    parameters?.allow_sending_without_reply ?? optBool(params, 'allow_sending_without_reply');
  if (!lenient) throw badRequest('message to be replied not found');
  return undefined;
}

/** Takes a flood-limit token for a message to this chat, or answers 429. */
export function takeToken(ctx: CallContext, chatId: number): void {
  const wait = ctx.state.limiter.acquire(chatId, optBool(ctx.params, 'allow_paid_broadcast'));
  if (wait > 0) throw tooManyRequests(wait);
}

/**
 * Delivers a bot message: checks the reply target, takes the flood tokens, then builds
 * the content (so uploads are adopted only for a message that goes out) and stores it.
 */
export function deliver(
  ctx: CallContext,
  target: Target,
  build: () => Partial<Message>,
  options: { rateLimited?: boolean } = {},
): Message {
  const { state, params } = ctx;
  const reply = replyTo(state, target.chat.id, params);
  const markup = replyMarkup(params);
  if (options.rateLimited !== false) takeToken(ctx, target.chat.id);
  const message = {
    message_id: state.messages.nextId(target.chat.id),
    ...(target.kind === 'channel' ? { sender_chat: target.chat } : { from: state.chats.bot }),
    chat: target.chat,
    date: Math.floor(state.clock.now() / 1000),
    ...build(),
  } as Message;
  if (reply) message.reply_to_message = reply as Message['reply_to_message'];
  if (optBool(params, 'protect_content')) message.has_protected_content = true;
  if (markup) message.reply_markup = markup;
  state.messages.add(message, true);
  return structuredClone(message);
}
