import { open } from 'node:fs/promises';

/** What the server can tell about an image from its JPEG header. */
export interface JpegInfo {
  isJpeg: boolean;
  width: number;
  height: number;
}

// SOF markers carrying the frame size: baseline, extended, progressive, lossless, ...
const SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
// Markers without a length field.
const STANDALONE = new Set([0x01, 0xd0, 0xd1, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8]);
const HEAD_BYTES = 512 * 1024;

/**
 * Walks the segments after the SOI marker up to the first SOF and reads its frame size.
 * Without an SOI, or without an SOF before the scan data, it is not a usable JPEG.
 */
export function inspectJpeg(bytes: Buffer): JpegInfo {
  const none = { isJpeg: false, width: 0, height: 0 };
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return none;
  let i = 2;
  while (i + 3 < bytes.length) {
    if (bytes[i] !== 0xff) return none;
    while (bytes[i] === 0xff && i < bytes.length) i++; // fill bytes
    const marker = bytes[i];
    i++;
    if (marker === undefined) return none;
    if (STANDALONE.has(marker)) continue;
    if (marker === 0xd9 || marker === 0xda) return none; // EOI or scan data before a frame
    if (i + 1 >= bytes.length) return none;
    const length = bytes.readUInt16BE(i);
    if (SOF.has(marker)) {
      if (i + 7 > bytes.length) return none;
      return { isJpeg: true, height: bytes.readUInt16BE(i + 3), width: bytes.readUInt16BE(i + 5) };
    }
    i += length;
  }
  return none;
}

/** Reads the head of a file (the SOF sits near the start) and inspects it. */
export async function inspectJpegFile(path: string): Promise<JpegInfo> {
  return inspectJpeg(await readHead(path));
}

/** An image the server accepts as a photo, with its size when the header tells it. */
export interface ImageInfo {
  format: 'jpeg' | 'png' | 'gif' | 'webp' | undefined;
  width: number;
  height: number;
}

/** Recognises JPEG, PNG, GIF and WebP by their magic bytes (sendPhoto refuses the rest). */
export async function inspectImageFile(path: string): Promise<ImageInfo> {
  const head = await readHead(path);
  const jpeg = inspectJpeg(head);
  if (jpeg.isJpeg) return { format: 'jpeg', width: jpeg.width, height: jpeg.height };
  if (head.length >= 24 && head.readUInt32BE(0) === 0x89504e47) {
    return { format: 'png', width: head.readUInt32BE(16), height: head.readUInt32BE(20) };
  }
  if (head.length >= 10 && head.toString('latin1', 0, 3) === 'GIF') {
    return { format: 'gif', width: head.readUInt16LE(6), height: head.readUInt16LE(8) };
  }
  if (head.length >= 12 && head.toString('latin1', 8, 12) === 'WEBP') {
    return { format: 'webp', width: 0, height: 0 };
  }
  return { format: undefined, width: 0, height: 0 };
}

async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}
