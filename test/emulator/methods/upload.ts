import { badRequest } from '../errors.js';
import type { FileKind, StoredFile, ThumbnailCheck, UploadMeta } from '../files.js';
import { inspectImageFile, inspectJpegFile } from '../jpeg.js';
import { isUpload, type Params } from '../params.js';
import type { State } from '../state.js';
import type { FileRef } from './shared.js';

const THUMB_MAX_BYTES = 200 * 1000; // "under 200 kB": the stricter reading
const THUMB_MAX_SIDE = 320;

/**
 * Checks an uploaded `thumbnail` part and records the verdict in the call's params. It only
 * counts when the main file is a new upload in the same request; a thumbnail given as a
 * file_id or URL string is ignored, as by the server.
 */
export async function checkThumbnail(
  params: Params,
  field: string,
  mainIsUpload: boolean,
): Promise<ThumbnailCheck | undefined> {
  const part = params[field];
  if (!isUpload(part)) return undefined;
  const jpeg = await inspectJpegFile(part.path);
  const valid =
    jpeg.isJpeg &&
    part.size < THUMB_MAX_BYTES &&
    jpeg.width > 0 &&
    jpeg.height > 0 &&
    jpeg.width <= THUMB_MAX_SIDE &&
    jpeg.height <= THUMB_MAX_SIDE;
  const check: ThumbnailCheck = { ...part, ...jpeg, valid, used: mainIsUpload };
  params[field] = check;
  return check;
}

/** Photo uploads must be images; their size is read from the header. */
export async function photoMeta(ref: FileRef): Promise<Partial<UploadMeta>> {
  if (!('upload' in ref)) return {};
  const image = await inspectImageFile(ref.upload.path);
  if (!image.format) throw badRequest('IMAGE_PROCESS_FAILED');
  return { width: image.width || 800, height: image.height || 600 };
}

// What sendAudio and sendVideo can play; anything else uploaded through them is kept, and
// answered, as a document (the type is read from the result, not the method).
const PLAYABLE: Partial<Record<FileKind, readonly string[]>> = {
  audio: ['audio/mpeg', 'audio/mp3', 'audio/mp4', 'audio/x-m4a', 'audio/m4a'],
  video: ['video/mp4'],
};

/** The kind a send stores: the method's, or 'document' for an upload it cannot play. */
export function sentKind<K extends FileKind>(kind: K, ref: FileRef): K | 'document' {
  const playable = PLAYABLE[kind];
  if (!playable || !('upload' in ref)) return kind;
  return playable.includes(ref.upload.mimeType) ? kind : 'document';
}

/**
 * The stored file for a send: a reused one as is, or the upload adopted now (after the
 * flood check passed), with its thumbnail verdict and, if valid, the stored thumbnail.
 */
export function adopt(
  state: State,
  ref: FileRef,
  kind: FileKind,
  meta: Partial<UploadMeta>,
  thumbnail: ThumbnailCheck | undefined,
): StoredFile {
  if ('file' in ref) return ref.file;
  const file = state.files.fromUpload(ref.upload, kind, meta);
  state.stats.uploads++;
  state.stats.uploadedBytes += ref.upload.size;
  if (thumbnail?.used) {
    file.thumbnail = thumbnail;
    if (thumbnail.valid) {
      file.thumbnailFile = state.files.fromUpload(thumbnail, 'thumbnail', {
        width: thumbnail.width,
        height: thumbnail.height,
      });
    }
  }
  return file;
}
