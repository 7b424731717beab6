import type { InputMedia, Message } from 'grammy/types';
import { badRequest } from '../errors.js';
import type { UploadMeta } from '../files.js';
import { mediaFields } from '../media.js';
import { chatIdParam, optInt, optJson, optStr, type Params } from '../params.js';
import type { CallContext, Handler } from '../state.js';
import {
  caption,
  deliver,
  type FileRef,
  fileRef,
  formatted,
  MAX_TEXT,
  takeToken,
  withText,
} from './shared.js';
import { adopt, checkThumbnail, photoMeta, sentKind } from './upload.js';

type MediaKind = 'document' | 'audio' | 'video' | 'photo';

const sendMessage: Handler = (ctx) => {
  const target = ctx.state.chats.resolveWritable(chatIdParam(ctx.params));
  const text = formatted(ctx.params, 'text');
  if (!text || text.text === '') throw badRequest('message text is empty');
  if (text.text.length > MAX_TEXT) throw badRequest('message is too long');
  return deliver(ctx, target, () => {
    const content: Partial<Message> = {};
    withText(content, 'text', text);
    return content;
  });
};

/** What the method's own params say about a new upload (duration, performer, size...). */
function declaredMeta(kind: MediaKind, params: Params): Partial<UploadMeta> {
  const meta: Partial<UploadMeta> = {};
  const set = <K extends keyof UploadMeta>(key: K, value: UploadMeta[K] | undefined) => {
    if (value !== undefined) meta[key] = value;
  };
  if (kind === 'audio' || kind === 'video') set('duration', optInt(params, 'duration'));
  if (kind === 'video') {
    set('width', optInt(params, 'width'));
    set('height', optInt(params, 'height'));
  }
  if (kind === 'audio') {
    set('performer', optStr(params, 'performer'));
    set('title', optStr(params, 'title'));
  }
  return meta;
}

/** sendDocument / sendAudio / sendVideo / sendPhoto. */
function sendMedia(kind: MediaKind): Handler {
  return async (ctx) => {
    const { state, params } = ctx;
    const target = state.chats.resolveWritable(chatIdParam(params));
    const ref = fileRef(state, params[kind], kind, kind);
    const text = caption(params);
    const meta = kind === 'photo' ? await photoMeta(ref) : declaredMeta(kind, params);
    const thumb =
      kind === 'photo' ? undefined : await checkThumbnail(params, 'thumbnail', 'upload' in ref);
    const stored = sentKind(kind, ref);
    return deliver(ctx, target, () => {
      const file = adopt(state, ref, stored, meta, thumb);
      const content = mediaFields(stored, file);
      if (text) withText(content, 'caption', text);
      return content;
    });
  };
}

interface GroupItem {
  kind: MediaKind;
  ref: FileRef;
  meta: Partial<UploadMeta>;
  item: InputMedia;
}

/** sendMediaGroup: 2-10 items, one flood token for the album, one message per item. */
const sendMediaGroup: Handler = async (ctx) => {
  const { state, params } = ctx;
  const target = state.chats.resolveWritable(chatIdParam(params));
  const media = optJson<InputMedia[]>(params, 'media');
  if (!Array.isArray(media) || media.length < 2 || media.length > 10) {
    throw badRequest('wrong number of media specified: must be between 2 and 10');
  }
  const items: GroupItem[] = [];
  for (const item of media) {
    const kind = item.type as MediaKind;
    if (!['document', 'audio', 'video', 'photo'].includes(kind)) {
      throw badRequest(`unsupported media type "${item.type}" in a media group`);
    }
    const ref = fileRef(state, item.media, kind, 'media');
    const meta =
      kind === 'photo' ? await photoMeta(ref) : declaredMeta(kind, item as unknown as Params);
    items.push({ kind, ref, meta, item });
  }
  takeToken(ctx, target.chat.id);
  const groupId = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
  const sent: Message[] = [];
  for (const [index, { kind, ref, meta, item }] of items.entries()) {
    const itemParams = item as unknown as Params;
    const text = caption(itemParams);
    const thumb = await checkThumbnail(itemParams, 'thumbnail', 'upload' in ref);
    const message = deliver(
      { ...ctx, params: index === 0 ? params : {} },
      target,
      () => {
        const stored = sentKind(kind, ref);
        const content = mediaFields(stored, adopt(state, ref, stored, meta, thumb));
        if (text) withText(content, 'caption', text);
        return { ...content, media_group_id: groupId };
      },
      { rateLimited: false },
    );
    sent.push(message);
  }
  return sent;
};

const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);

const sendChatAction: Handler = (ctx: CallContext) => {
  ctx.state.chats.resolveWritable(chatIdParam(ctx.params));
  const action = optStr(ctx.params, 'action');
  if (!action || !CHAT_ACTIONS.has(action)) throw badRequest('wrong parameter action in request');
  return true;
};

/** Handlers of the sending methods. */
export const sendMethods: Record<string, Handler> = {
  sendMessage,
  sendDocument: sendMedia('document'),
  sendAudio: sendMedia('audio'),
  sendVideo: sendMedia('video'),
  sendPhoto: sendMedia('photo'),
  sendMediaGroup,
  sendChatAction,
};
