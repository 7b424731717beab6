import { fileURLToPath } from 'node:url';
import sharp, { type OutputInfo } from 'sharp';

/**
 * Telegram's "under 200 kB", read the strict way (200 000, not 200 * 1024 bytes): a
 * thumbnail under it passes either reading, and the emulator checks the strict one.
 */
export const THUMBNAIL_MAX_BYTES = 200_000;
/** Telegram ignores thumbnails wider or taller than this. */
export const THUMBNAIL_MAX_SIDE = 320;

/** The branded thumbnail every processed file carries unless an admin set another. */
export const DEFAULT_THUMBNAIL_PATH = fileURLToPath(
  new URL('../assets/default-thumbnail.jpg', import.meta.url),
);

// Quality is lowered first (it costs little on a thumbnail); only when even the lowest does
// not fit is the image shrunk, which only pathological noise ever needs.
const QUALITIES = [85, 75, 65, 55, 45, 35, 25];
const SHRINK = 0.75;
const MIN_SIDE = 16;

/** Options of {@link makeThumbnail}. */
export interface ThumbnailOptions {
  /** The JPEG stays under this many bytes. Default {@link THUMBNAIL_MAX_BYTES}. */
  maxBytes?: number;
}

/**
 * Images with more pixels are refused unread: decoding one is what costs memory (3 bytes a
 * pixel: a 10,000x10,000 image would take 300 MB before any resizing). 25 megapixels
 * admits every camera photo; Telegram's own photos are at most 2560 px a side.
 */
export const MAX_INPUT_PIXELS = 25_000_000;

/**
 * Why no thumbnail was made: not an image sharp can read (or none that fits the byte
 * limit), one too big to take (bytes or pixels), or a file that could not be fetched.
 */
export type ThumbnailRefusal = 'not-an-image' | 'too-big' | 'download';

/** An image refused as a thumbnail, with the reason to tell the admin. */
export class ThumbnailError extends Error {
  override name = 'ThumbnailError';

  constructor(
    readonly reason: ThumbnailRefusal,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Turns an image (bytes or a file path) into a Telegram thumbnail: a baseline JPEG that
 * fits inside 320x320 with its aspect kept (never enlarged), transparency flattened onto
 * white, EXIF orientation applied, under {@link THUMBNAIL_MAX_BYTES}: quality is lowered
 * step by step, then the image shrunk, until it fits. Used to normalise an admin's
 * /set_thumb image and the default. Rejects non-images with a ThumbnailError.
 */
export async function makeThumbnail(
  input: Uint8Array | string,
  options: ThumbnailOptions = {},
): Promise<Buffer> {
  const maxBytes = options.maxBytes ?? THUMBNAIL_MAX_BYTES;
  let pixels: { data: Buffer; info: OutputInfo };
  try {
    // Decoded and resized once; each quality step below only re-encodes 320 px of pixels.
    pixels = await sharp(input, { limitInputPixels: MAX_INPUT_PIXELS })
      .rotate()
      .resize({
        width: THUMBNAIL_MAX_SIDE,
        height: THUMBNAIL_MAX_SIDE,
        fit: 'inside',
        withoutEnlargement: true,
      })
      .flatten({ background: '#ffffff' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    const source = typeof input === 'string' ? 'the file' : 'the data';
    // sharp says "Input image exceeds pixel limit" before it decodes anything.
    const tooBig = /pixel limit/i.test(reason(error));
    throw new ThumbnailError(
      tooBig ? 'too-big' : 'not-an-image',
      `${source} is not an image that can be read: ${reason(error)}`,
      { cause: error },
    );
  }
  const { data, info } = pixels;
  const raw = { width: info.width, height: info.height, channels: info.channels };
  for (let scale = 1; ; scale *= SHRINK) {
    const width = Math.round(raw.width * scale);
    const height = Math.round(raw.height * scale);
    if (Math.min(width, height) < MIN_SIDE && scale < 1) break;
    for (const quality of QUALITIES) {
      let image = sharp(data, { raw });
      if (scale < 1) image = image.resize(width, height);
      const jpeg = await image.jpeg({ quality, chromaSubsampling: '4:2:0' }).toBuffer();
      if (jpeg.length < maxBytes) return jpeg;
    }
  }
  throw new ThumbnailError(
    'not-an-image',
    `the image cannot be made smaller than ${maxBytes} bytes`,
  );
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
