import { Type } from 'typebox';
import { type BroadcastCounts, totalRecipients } from '../../db/broadcasts.js';
import type { Broadcast } from '../../db/schema.js';

const ENTITY_TYPES = [
  'mention',
  'hashtag',
  'cashtag',
  'bot_command',
  'url',
  'email',
  'phone_number',
  'bold',
  'italic',
  'underline',
  'strikethrough',
  'spoiler',
  'blockquote',
  'expandable_blockquote',
  'code',
  'pre',
  'text_link',
  'text_mention',
  'custom_emoji',
] as const;

/** A Telegram MessageEntity (offsets and lengths in UTF-16 code units). */
const MessageEntity = Type.Object(
  {
    type: Type.Union(ENTITY_TYPES.map((type) => Type.Literal(type))),
    offset: Type.Integer({ minimum: 0 }),
    length: Type.Integer({ minimum: 1 }),
    url: Type.Optional(Type.String({ format: 'uri', maxLength: 2048 })),
    user: Type.Optional(Type.Object({ id: Type.Integer() }, { additionalProperties: true })),
    language: Type.Optional(Type.String({ maxLength: 64 })),
    custom_emoji_id: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);

const ParseMode = Type.Union([
  Type.Literal('HTML'),
  Type.Literal('MarkdownV2'),
  Type.Literal('Markdown'),
]);

/**
 * One object rather than a union of the two kinds, so a wrong field is named as such (a union
 * would report the other kind's complaint); which fields go together is checked after.
 */
export const NewBroadcast = Type.Object(
  {
    text: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    entities: Type.Optional(Type.Array(MessageEntity, { maxItems: 100 })),
    parseMode: Type.Optional(ParseMode),
    fromChatId: Type.Optional(Type.Integer({ description: 'the chat of the message to copy' })),
    messageId: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  {
    additionalProperties: false,
    description: '{ text, entities? } or { text, parseMode } or { fromChatId, messageId } (a copy)',
  },
);

export const BroadcastItem = Type.Object(
  {
    id: Type.Integer(),
    status: Type.Union([
      Type.Literal('draft'),
      Type.Literal('queued'),
      Type.Literal('running'),
      Type.Literal('done'),
      Type.Literal('cancelled'),
    ]),
    text: Type.Union([Type.String(), Type.Null()]),
    entities: Type.Union([Type.Array(Type.Unknown()), Type.Null()]),
    parseMode: Type.Union([ParseMode, Type.Null()]),
    fromChatId: Type.Union([Type.Integer(), Type.Null()]),
    messageId: Type.Union([Type.Integer(), Type.Null()]),
    createdAt: Type.Integer(),
    startedAt: Type.Union([Type.Integer(), Type.Null()]),
    finishedAt: Type.Union([Type.Integer(), Type.Null()]),
    recipients: Type.Object(
      {
        total: Type.Integer(),
        pending: Type.Integer(),
        sent: Type.Integer(),
        blocked: Type.Integer(),
        failed: Type.Integer(),
        /** Sends that timed out or lost their connection: maybe delivered, never repeated. */
        unknown: Type.Integer(),
      },
      { additionalProperties: false },
    ),
    /** Share of recipients handled, 0 to 1. */
    progress: Type.Number({ minimum: 0, maximum: 1 }),
  },
  { additionalProperties: false },
);

export function broadcastItem(broadcast: Broadcast, counts: BroadcastCounts) {
  const total = totalRecipients(counts);
  return {
    id: broadcast.id,
    status: broadcast.status,
    text: broadcast.text,
    entities: broadcast.entities ? (JSON.parse(broadcast.entities) as unknown[]) : null,
    parseMode: broadcast.parse_mode,
    fromChatId: broadcast.from_chat_id,
    messageId: broadcast.message_id,
    createdAt: broadcast.created_at,
    startedAt: broadcast.started_at,
    finishedAt: broadcast.finished_at,
    recipients: { total, ...counts },
    progress: total === 0 ? 1 : (total - counts.pending) / total,
  };
}
