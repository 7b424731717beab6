import { Composer } from 'grammy';
import sharp from 'sharp';
import { formatSize } from '../../library/format.js';
import { MB, transferTimeoutMs } from '../../library/limits.js';
import type { ProcessingPool } from '../../library/pool.js';
import { ThumbnailError } from '../../library/thumbnail.js';
import type { ThumbnailStore } from '../../library/thumbnail-store.js';
import type { Context } from '../context.js';
import { isAdmin } from '../middlewares/admin.js';

/** Photos are small; an image document bigger than this is no thumbnail material. */
const MAX_IMAGE_BYTES = 10 * MB;
const REFUSALS = {
  'not-an-image': 'thumb-not-an-image',
  'too-big': 'thumb-too-big',
  download: 'thumb-download-failed',
} as const;

/**
 * /set_thumb (admins): the next photo or image document becomes the default thumbnail,
 * fetched and normalised in the worker pool (JPEG, at most 320x320, under 200 kB).
 */
export function setThumbnailFeature(
  pool: Pick<ProcessingPool, 'fetchThumbnail'>,
  thumbnails: ThumbnailStore,
): Composer<Context> {
  const feature = new Composer<Context>();
  const admin = feature.chatType('private').filter(isAdmin);

  admin.command('set_thumb', async (ctx) => {
    ctx.session.awaitingThumbnail = true;
    await ctx.reply(ctx.t('thumb-send'));
  });

  admin
    .filter((ctx) => ctx.session.awaitingThumbnail === true && ctx.message !== undefined)
    .use(async (ctx, next) => {
      const message = ctx.message;
      const image =
        message?.photo?.at(-1) ??
        (message?.document?.mime_type?.startsWith('image/') ? message.document : undefined);
      if (!image) {
        if (message?.text?.startsWith('/')) return next();
        return ctx.reply(ctx.t('thumb-not-an-image'));
      }
      if ((image.file_size ?? 0) > MAX_IMAGE_BYTES) return ctx.reply(ctx.t('thumb-too-big'));
      let jpeg: Buffer;
      try {
        jpeg = await pool.fetchThumbnail({
          apiRoot: ctx.config.apiRoot,
          token: ctx.config.botToken,
          localBotApi: ctx.config.localBotApi,
          fileId: image.file_id,
          maxBytes: MAX_IMAGE_BYTES,
          // The admin's chat waits for this: a stalled download must not hold it up for long.
          timeoutMs: transferTimeoutMs(
            ctx.config.fileTimeoutMs,
            image.file_size ?? MAX_IMAGE_BYTES,
          ),
        });
      } catch (error) {
        if (!(error instanceof ThumbnailError)) throw error;
        ctx.logger.info({ reason: error.reason, err: error }, 'thumbnail refused');
        return ctx.reply(ctx.t(REFUSALS[error.reason]));
      }
      await thumbnails.replace(jpeg);
      delete ctx.session.awaitingThumbnail;
      const { width = 0, height = 0 } = await sharp(jpeg).metadata();
      await ctx.reply(
        ctx.t('thumb-saved', {
          width: String(width),
          height: String(height),
          size: formatSize(jpeg.length),
        }),
      );
    });

  return feature;
}
