import { Composer } from 'grammy';
import type { Message } from 'grammy/types';
import { addFile, findFileByUniqueId } from '../../db/files.js';
import { enqueueJob } from '../../db/jobs.js';
import { MAX_TITLE_LENGTH, refusedType, withSuffix } from '../../library/file-types.js';
import type { Context, UploadDraft } from '../context.js';
import { isAdmin } from '../middlewares/admin.js';
import { clip } from '../text-limits.js';
import { fileLink } from './start.js';

/**
 * The admins' upload dialog: /upload, the file, the title, the tags (or /skip), saved. The
 * step lives in the on-disk session, so a restart resumes it; /cancel ends it anywhere.
 */
export const uploadFeature = new Composer<Context>();
const admin = uploadFeature.chatType('private').filter(isAdmin);

admin.command('upload', async (ctx) => {
  ctx.session.upload = { step: 'file' };
  await ctx.reply(ctx.t('upload-send-file'));
});

admin.command('cancel', async (ctx) => {
  const active = ctx.session.upload !== undefined || ctx.session.awaitingThumbnail === true;
  delete ctx.session.upload;
  delete ctx.session.awaitingThumbnail;
  await ctx.reply(ctx.t(active ? 'upload-cancelled' : 'upload-nothing-to-cancel'));
});

const dialog = admin.filter((ctx) => ctx.session.upload !== undefined && ctx.message !== undefined);

dialog.filter(
  (ctx) => ctx.session.upload?.step === 'file',
  async (ctx, next) => {
    const draft = draftOf(ctx.message);
    if (!draft) {
      if (ctx.message?.text?.startsWith('/')) return next();
      return ctx.reply(ctx.t('upload-not-a-file'));
    }
    const blocked = refusedType(draft.fileName, draft.mimeType);
    if (blocked) {
      return ctx.reply(
        ctx.t('upload-blocked-type', { name: draft.fileName ?? draft.kind, type: blocked }),
      );
    }
    const existing = await findFileByUniqueId(ctx.db, draft.fileUniqueId);
    if (existing) {
      delete ctx.session.upload;
      return ctx.reply(
        ctx.t('upload-duplicate', { id: String(existing.id), title: clip(existing.title) }),
      );
    }
    ctx.session.upload = { step: 'title', file: draft };
    await ctx.reply(ctx.t('upload-send-title'));
  },
);

dialog.filter(
  (ctx) => ctx.session.upload?.step === 'title',
  async (ctx, next) => {
    const upload = ctx.session.upload;
    const text = ctx.message?.text?.trim();
    if (text?.startsWith('/') || upload?.step !== 'title') return next();
    if (!text || text.length > MAX_TITLE_LENGTH) return ctx.reply(ctx.t('upload-title-length'));
    ctx.session.upload = {
      step: 'tags',
      file: upload.file,
      title: withSuffix(text, ctx.settings.titleSuffix),
    };
    await ctx.reply(ctx.t('upload-send-tags'));
  },
);

dialog.filter(
  (ctx) => ctx.session.upload?.step === 'tags',
  async (ctx, next) => {
    const upload = ctx.session.upload;
    const text = ctx.message?.text?.trim();
    if (!text || upload?.step !== 'tags') return ctx.reply(ctx.t('upload-send-tags'));
    const skip = /^\/skip(@\w+)?$/.test(text);
    if (text.startsWith('/') && !skip) return next();
    // Comma-separated; addFile normalises them (the one place tags are normalised).
    await save(ctx, upload.file, upload.title, skip ? [] : text.split(','));
  },
);

async function save(ctx: Context, file: UploadDraft, title: string, tags: string[]): Promise<void> {
  const existing = await findFileByUniqueId(ctx.db, file.fileUniqueId);
  if (existing) {
    delete ctx.session.upload;
    await ctx.reply(
      ctx.t('upload-duplicate', { id: String(existing.id), title: clip(existing.title) }),
    );
    return;
  }
  // The file and its processing job are one transaction: a crash never leaves a file that
  // nobody will process.
  const row = await ctx.db.transaction().execute(async (trx) => {
    const added = await addFile(trx, {
      file_id: file.fileId,
      file_unique_id: file.fileUniqueId,
      file_name: file.fileName ?? null,
      mime_type: file.mimeType ?? null,
      type: file.kind,
      size: file.size,
      title,
      tags,
      added_by: ctx.from?.id ?? null,
      processed_file_id: null,
      thumbnail_file_id: null,
    });
    await enqueueJob(trx, added.id, ctx.chat?.id ?? null);
    return added;
  });
  delete ctx.session.upload;
  ctx.processing.kick();
  ctx.logger.info({ file_id: row.id, title }, 'file added to the library');
  const link = fileLink(ctx.me.username, row.id);
  await ctx.reply(ctx.t('upload-saved', { id: String(row.id), title, link }), {
    link_preview_options: { is_disabled: true },
  });
}

/** The library file a message carries, if it carries one of the kinds the library keeps. */
function draftOf(message: Message | undefined): UploadDraft | undefined {
  const media = message?.document
    ? { kind: 'document' as const, file: message.document }
    : message?.audio
      ? { kind: 'audio' as const, file: message.audio }
      : message?.video
        ? { kind: 'video' as const, file: message.video }
        : undefined;
  if (!media) return undefined;
  const { file } = media;
  return {
    fileId: file.file_id,
    fileUniqueId: file.file_unique_id,
    kind: media.kind,
    size: file.file_size ?? 0,
    ...(file.file_name ? { fileName: file.file_name } : {}),
    ...(file.mime_type ? { mimeType: file.mime_type } : {}),
  };
}
