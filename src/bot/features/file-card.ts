import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { recordDownload } from '../../db/downloads.js';
import { deleteFile, findFile } from '../../db/files.js';
import type { LibraryFile } from '../../db/schema.js';
import { deliveryFor, type Sendable } from '../../library/catalogue.js';
import { formatSize } from '../../library/format.js';
import { ignoreStaleEdit } from '../../telegram-errors.js';
import {
  type CallbackData,
  deleteData,
  deleteNoData,
  deleteYesData,
  downloadData,
  fileData,
} from '../callback-data.js';
import type { Context } from '../context.js';
import { deleteMessageQuietly } from '../delete-message.js';
import { deleteConfirmKeyboard, fileCardKeyboard } from '../keyboards/file-card.js';
import { isAdmin } from '../middlewares/admin.js';
import { clip, MAX_TEXT_LENGTH } from '../text-limits.js';

/**
 * A library file's card (title, type, size, tags, downloads) with its download button, the
 * download itself, and for admins the delete button with its confirmation.
 */
export const fileCardFeature = new Composer<Context>();
const privateChat = fileCardFeature.chatType('private');

privateChat.callbackQuery(fileData.filter, async (ctx) => {
  const file = await pressedFile(ctx, fileData);
  if (!file) return answerGone(ctx);
  await ctx.answerCallbackQuery();
  await replyWithCard(ctx, file);
});

privateChat.callbackQuery(downloadData.filter, async (ctx) => {
  const file = await pressedFile(ctx, downloadData);
  if (!file) return answerGone(ctx);
  await ctx.answerCallbackQuery();
  const card = ctx.callbackQuery.message;
  const press = card && `${ctx.chat.id}:${card.message_id}`;
  if (press && !firstPress(press)) return;
  let notice: Message | undefined;
  let delivered = false;
  try {
    notice = await ctx.reply(ctx.t('download-started'));
    const delivery = await deliveryFor(file, ctx.processing, ctx.config.localBotApi);
    if (!delivery) {
      await ctx.reply(ctx.t('card-gone'));
      return;
    }
    const sent = await sendLibraryFile(ctx, delivery);
    delivered = true;
    const minutes = ctx.settings.autoDeleteMinutes;
    const deletion =
      minutes > 0
        ? {
            chatId: sent.chat.id,
            messageId: sent.message_id,
            deleteAt: Date.now() + minutes * 60_000,
          }
        : undefined;
    await recordDownload(ctx.db, ctx.from.id, file.id, deletion);
    ctx.metrics.downloads.inc({ source: 'card' });
    if (card) await tidy(ctx, card.message_id);
  } finally {
    // A press that sent nothing (the apology follows) must not make the next one a repeat.
    if (press && !delivered) pressed.delete(press);
    if (notice) await tidy(ctx, notice.message_id);
  }
});

const admin = privateChat.filter(isAdmin);

admin.callbackQuery(deleteData.filter, async (ctx) => {
  const file = await pressedFile(ctx, deleteData);
  if (!file) return answerGone(ctx);
  await ctx.answerCallbackQuery();
  await ctx
    .editMessageText(ctx.t('card-delete-confirm', { title: clip(file.title) }), {
      reply_markup: deleteConfirmKeyboard(ctx, file.id),
    })
    .catch(ignoreStaleEdit);
});

admin.callbackQuery(deleteNoData.filter, async (ctx) => {
  const file = await pressedFile(ctx, deleteNoData);
  if (!file) return answerGone(ctx);
  await ctx.answerCallbackQuery();
  await ctx
    .editMessageText(cardText(ctx, file), { reply_markup: fileCardKeyboard(ctx, file.id, true) })
    .catch(ignoreStaleEdit);
});

admin.callbackQuery(deleteYesData.filter, async (ctx) => {
  const file = await pressedFile(ctx, deleteYesData);
  // Deleting takes the file out of the search index in the same statement.
  if (!file || !(await deleteFile(ctx.db, file.id))) return answerGone(ctx);
  ctx.logger.info({ file_id: file.id, admin_id: ctx.from.id }, 'file deleted');
  await ctx.answerCallbackQuery();
  await ctx
    .editMessageText(ctx.t('card-deleted', { title: clip(file.title) }))
    .catch(ignoreStaleEdit);
});

const PRESS_MEMORY_MS = 10 * 60_000;
const pressed = new Map<string, number>();

/**
 * A double tap arrives as two presses of the same button, one after the other: only the
 * first sends (and counts) the file. Presses (`<chat>:<card message>`) are remembered for
 * ten minutes, oldest first out, so the map stays small.
 */
function firstPress(key: string): boolean {
  const now = Date.now();
  for (const [key, at] of pressed) {
    if (at > now - PRESS_MEMORY_MS) break;
    pressed.delete(key);
  }
  if (pressed.has(key)) return false;
  pressed.set(key, now);
  return true;
}

/**
 * Sends the card of the library file with this id as a new message, or says the file is
 * gone (a /start f_<id> link to a deleted file).
 */
export async function openFileCard(ctx: Context, fileId: number): Promise<void> {
  const file = await findFile(ctx.db, fileId);
  if (!file) {
    await ctx.reply(ctx.t('card-gone'));
    return;
  }
  await replyWithCard(ctx, file);
}

async function replyWithCard(ctx: Context, file: LibraryFile): Promise<void> {
  await ctx.reply(cardText(ctx, file), {
    reply_markup: fileCardKeyboard(ctx, file.id, isAdmin(ctx)),
  });
}

/** The card's text; a tag list too long for one message is cut to what fits. */
function cardText(ctx: Context, file: LibraryFile): string {
  const head = [
    ctx.t('card-title', { type: file.type, title: clip(file.title) }),
    '',
    ctx.t('card-type', { type: file.type }),
    ctx.t('card-size', { size: formatSize(file.size) }),
  ];
  const downloads = ctx.t('card-downloads', { count: file.downloads_count });
  if (file.tags === '') return [...head, downloads].join('\n');
  const withoutTags = [...head, ctx.t('card-tags', { tags: '' }), downloads].join('\n');
  const tags = clip(file.tags.split(',').join(', '), MAX_TEXT_LENGTH - withoutTags.length);
  return [...head, ctx.t('card-tags', { tags }), downloads].join('\n');
}

/** The library file a card button names, if it is still there. */
function pressedFile(
  ctx: Context,
  data: CallbackData<{ id: 'int' }>,
): Promise<LibraryFile | undefined> {
  return findFile(ctx.db, data.unpack(ctx.callbackQuery?.data ?? '').id);
}

function answerGone(ctx: Context): Promise<true> {
  return ctx.answerCallbackQuery({ text: ctx.t('card-gone'), show_alert: true });
}

/** Sends the file with the method of its kind; the caption warns when it will be deleted. */
function sendLibraryFile(ctx: Context, { fileId, kind }: Sendable): Promise<Message> {
  const minutes = ctx.settings.autoDeleteMinutes;
  const options = {
    ...(ctx.settings.protectContent ? { protect_content: true } : {}),
    ...(minutes > 0 ? { caption: ctx.t('download-auto-delete', { minutes }) } : {}),
  };
  switch (kind) {
    case 'audio':
      return ctx.replyWithAudio(fileId, options);
    case 'video':
      return ctx.replyWithVideo(fileId, options);
    default:
      return ctx.replyWithDocument(fileId, options);
  }
}

// The card and the "downloading" notice are clutter once the file is there; failing to
// remove them must not spoil a download that worked.
async function tidy(ctx: Context, messageId: number): Promise<void> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return;
  await deleteMessageQuietly(ctx.api, chatId, messageId).catch((error: unknown) =>
    ctx.logger.warn({ err: error, message_id: messageId }, 'could not delete a message'),
  );
}
