import type { Audio, Document, Message, PhotoSize, Video } from 'grammy/types';
import type { FileKind, StoredFile } from './files.js';

/** The message fields a file of this kind fills. */
export type MediaField = 'document' | 'audio' | 'video' | 'photo';

/** A stored file as the PhotoSize of a thumbnail or photo. */
export function photoSize(file: StoredFile): PhotoSize {
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    width: file.width ?? 0,
    height: file.height ?? 0,
    file_size: file.file_size,
  };
}

function common(file: StoredFile) {
  const out: {
    file_id: string;
    file_unique_id: string;
    file_name?: string;
    mime_type?: string;
    file_size: number;
    thumbnail?: PhotoSize;
  } = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.file_size };
  if (file.file_name !== undefined) out.file_name = file.file_name;
  if (file.mime_type !== undefined) out.mime_type = file.mime_type;
  if (file.thumbnailFile) out.thumbnail = photoSize(file.thumbnailFile);
  return out;
}

/** The `document` of a message. */
export function documentOf(file: StoredFile): Document {
  return common(file);
}

/** The `audio` of a message. */
export function audioOf(file: StoredFile): Audio {
  const audio: Audio = { ...common(file), duration: file.duration ?? 0 };
  if (file.performer !== undefined) audio.performer = file.performer;
  if (file.title !== undefined) audio.title = file.title;
  return audio;
}

/** The `video` of a message. */
export function videoOf(file: StoredFile): Video {
  return {
    ...common(file),
    width: file.width ?? 0,
    height: file.height ?? 0,
    duration: file.duration ?? 0,
  };
}

/** The message fields carrying a stored file of the given kind. */
export function mediaFields(kind: FileKind, file: StoredFile): Partial<Message> {
  switch (kind) {
    case 'audio':
      return { audio: audioOf(file) };
    case 'video':
      return { video: videoOf(file) };
    case 'photo':
    case 'thumbnail':
      // One size only: bots take photo.at(-1) (largest) or [0], both land here.
      return { photo: [photoSize(file)] };
    default:
      return { document: documentOf(file) };
  }
}

/** Which stored file a message carries, if any. */
export function fileIdOf(message: Message): string | undefined {
  return (
    message.document?.file_id ??
    message.audio?.file_id ??
    message.video?.file_id ??
    message.photo?.at(-1)?.file_id
  );
}
