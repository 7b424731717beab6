import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import {
  DEFAULT_THUMBNAIL_PATH,
  makeThumbnail,
  THUMBNAIL_MAX_BYTES,
  THUMBNAIL_MAX_SIDE,
  ThumbnailError,
} from '../../../src/library/thumbnail.js';
import { inspectJpeg } from '../../emulator/jpeg.js';

/** What Telegram (and the emulator) accept as a thumbnail. */
function assertThumbnail(jpeg: Buffer, maxBytes = THUMBNAIL_MAX_BYTES) {
  const info = inspectJpeg(jpeg);
  assert.ok(info.isJpeg, 'a JPEG');
  assert.ok(info.width > 0 && info.width <= THUMBNAIL_MAX_SIDE, `width ${info.width}`);
  assert.ok(info.height > 0 && info.height <= THUMBNAIL_MAX_SIDE, `height ${info.height}`);
  assert.ok(jpeg.length < maxBytes, `${jpeg.length} bytes`);
  assert.ok(jpeg.length < 200 * 1024);
  return info;
}

/**
 * A 4000x3000 image of coarse random noise: each 12.5 px block survives the downscale to
 * 320x240 as one noisy pixel, so the thumbnail is as hard to compress as they come.
 */
async function noisyImage(format: 'jpeg' | 'png'): Promise<Buffer> {
  const pixels = randomBytes(320 * 240 * 3);
  const image = sharp(pixels, { raw: { width: 320, height: 240, channels: 3 } }).resize(
    4000,
    3000,
    { kernel: 'nearest' },
  );
  return format === 'png'
    ? image.png({ compressionLevel: 1 }).toBuffer()
    : image.jpeg({ quality: 95 }).toBuffer();
}

describe('makeThumbnail', () => {
  let dir: string;
  let noisy: Buffer;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'thumbnail-test-'));
    noisy = await noisyImage('jpeg');
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fits a big PNG with transparency inside 320x320, keeping its aspect', async () => {
    const png = await sharp({
      create: {
        width: 3000,
        height: 2000,
        channels: 4,
        background: { r: 40, g: 80, b: 200, alpha: 0.5 },
      },
    })
      .png()
      .toBuffer();
    const info = assertThumbnail(await makeThumbnail(png));
    assert.deepEqual([info.width, info.height], [320, 213]);
  });

  it('reads a file path and fits a tall image by its height', async () => {
    const path = join(dir, 'tall.png');
    await sharp({ create: { width: 1000, height: 4000, channels: 3, background: '#2E3192' } })
      .png()
      .toFile(path);
    const info = assertThumbnail(await makeThumbnail(path));
    assert.deepEqual([info.width, info.height], [80, 320]);
  });

  it('never enlarges a small image', async () => {
    const small = await sharp({
      create: { width: 100, height: 50, channels: 3, background: '#fff' },
    })
      .jpeg()
      .toBuffer();
    const info = assertThumbnail(await makeThumbnail(small));
    assert.deepEqual([info.width, info.height], [100, 50]);
  });

  it('keeps a noisy 4000x3000 JPEG and PNG under the limits', async () => {
    const fromJpeg = assertThumbnail(await makeThumbnail(noisy));
    assert.deepEqual([fromJpeg.width, fromJpeg.height], [320, 240]);
    assertThumbnail(await makeThumbnail(await noisyImage('png')));
  });

  it('lowers the quality step by step until the JPEG fits', async () => {
    // At the first quality this noise takes about 50 kB; 30 kB needs lower steps.
    const first = await makeThumbnail(noisy, { maxBytes: 1_000_000 });
    assert.ok(first.length > 30_000, `first step ${first.length} bytes`);
    const lowered = await makeThumbnail(noisy, { maxBytes: 30_000 });
    const info = assertThumbnail(lowered, 30_000);
    assert.deepEqual([info.width, info.height], [320, 240], 'quality alone was enough');
  });

  it('shrinks the image when even the lowest quality does not fit', async () => {
    const jpeg = await makeThumbnail(noisy, { maxBytes: 6_000 });
    const info = assertThumbnail(jpeg, 6_000);
    assert.ok(info.width < 320, `width ${info.width}`);
    assert.ok(Math.abs(info.width / info.height - 4 / 3) < 0.05, 'aspect kept');
  });

  it('rejects a text file, by bytes and by path, with a clear error', async () => {
    const path = join(dir, 'notes.txt');
    await writeFile(path, 'These are lesson notes, not an image.\n');
    for (const input of [Buffer.from('plain text, not an image'), path]) {
      await assert.rejects(makeThumbnail(input), (error: unknown) => {
        assert.ok(error instanceof ThumbnailError);
        assert.match(error.message, /not an image/);
        return true;
      });
    }
  });

  it('ships a default thumbnail that is already valid', async () => {
    const jpeg = await makeThumbnail(DEFAULT_THUMBNAIL_PATH);
    const info = assertThumbnail(jpeg);
    assert.deepEqual([info.width, info.height], [320, 320]);
    const asset = await sharp(DEFAULT_THUMBNAIL_PATH).metadata();
    assert.equal(asset.format, 'jpeg');
    assert.deepEqual([asset.width, asset.height], [320, 320]);
  });
});
