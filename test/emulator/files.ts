import { createHash, randomBytes } from 'node:crypto';
import { closeSync, ftruncateSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cleanFileName } from './file-name.js';
import { inspectJpeg } from './jpeg.js';
import { extensionFor, guessMime } from './mime.js';
import type { UploadedFile } from './multipart.js';

/** The kinds of file the emulator stores; a file_id is only reusable for its own kind. */
export type FileKind = 'document' | 'audio' | 'video' | 'photo' | 'thumbnail';

/** The server's verdict on a `thumbnail` part, recorded on the call and the stored file. */
export interface ThumbnailCheck extends UploadedFile {
  isJpeg: boolean;
  width: number;
  height: number;
  /** JPEG, under 200 kB, at most 320x320. */
  valid: boolean;
  /** False when ignored because the main file was not a new upload in the same request. */
  used: boolean;
}

/** Everything the emulator knows about a stored file (see Emulator.fileInfo). */
export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  kind: FileKind;
  file_size: number;
  file_name?: string;
  mime_type?: string;
  /** Where the bytes are on disk. */
  path: string;
  /** The API path getFile reports (`documents/file_7.pdf`). */
  file_path: string;
  sha256?: string;
  width?: number;
  height?: number;
  duration?: number;
  performer?: string;
  title?: string;
  /** The check of the thumbnail uploaded with this file, valid or not. */
  thumbnail?: ThumbnailCheck;
  /** The stored thumbnail when it was valid. */
  thumbnailFile?: StoredFile;
  /** Set once getFile handed out file_path: only then is the download URL served. */
  downloadable: boolean;
}

/** What a test may specify when it creates a file (see Emulator.createFile). */
export interface CreateFileSpec {
  kind: Exclude<FileKind, 'thumbnail'>;
  fileName?: string;
  mimeType?: string;
  /** Bytes of the file; a string is UTF-8. */
  content?: Buffer | string;
  /** Without content: a sparse file of this size (never held in memory). */
  size?: number;
  uniqueId?: string;
  width?: number;
  height?: number;
  duration?: number;
  performer?: string;
  title?: string;
}

/** Extra facts a send method gives about a new upload. */
export type UploadMeta = Pick<
  StoredFile,
  'width' | 'height' | 'duration' | 'performer' | 'title' | 'file_unique_id'
>;

const FOLDERS: Record<FileKind, string> = {
  document: 'documents',
  audio: 'music',
  video: 'videos',
  photo: 'photos',
  thumbnail: 'thumbnails',
};

// Real file_ids start with a type tag; keeping it makes logs easier to read.
const ID_PREFIX: Record<FileKind, string> = {
  document: 'BQACAgIAAxkB',
  audio: 'CQACAgIAAxkB',
  video: 'BAACAgIAAxkB',
  photo: 'AgACAgIAAxkB',
  thumbnail: 'AAMCAgADGQE',
};

/** File metadata by file_id and by API path; the bytes live under `dir`. */
export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  private readonly byPath = new Map<string, StoredFile>();
  private readonly diskPaths = new Set<string>();
  private seq = 0;
  private readonly createdDir: string;

  constructor(readonly dir: string) {
    this.createdDir = join(dir, 'created');
    mkdirSync(this.createdDir, { recursive: true });
  }

  /** The stored file with this id, if any. */
  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  /** The stored file with this API path (`documents/file_1.pdf`), if any. */
  byFilePath(filePath: string): StoredFile | undefined {
    return this.byPath.get(filePath);
  }

  /** True when a file on disk belongs to a stored file (an adopted upload is kept). */
  owns(diskPath: string): boolean {
    return this.diskPaths.has(diskPath);
  }

  /** Adopts a streamed upload as a new file; its bytes stay where the parser wrote them. */
  fromUpload(upload: UploadedFile, kind: FileKind, meta: Partial<UploadMeta> = {}): StoredFile {
    const named = kind !== 'photo' && kind !== 'thumbnail';
    return this.register({
      kind,
      file_size: upload.size,
      // The name users see is the server's cleaned one, never the one the client sent.
      file_name: named ? cleanFileName(upload.fileName) || undefined : undefined,
      mime_type: named ? upload.mimeType : undefined,
      path: upload.path,
      sha256: upload.sha256,
      ...meta,
      file_unique_id: meta.file_unique_id ?? uniqueIdFor(upload.sha256),
    });
  }

  /** Creates a file for a test, synchronously; a size without content makes a sparse file. */
  create(spec: CreateFileSpec): StoredFile {
    const path = join(this.createdDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    let sha256: string | undefined;
    let size: number;
    let jpeg = { isJpeg: false, width: 0, height: 0 };
    if (spec.content !== undefined) {
      const bytes = typeof spec.content === 'string' ? Buffer.from(spec.content) : spec.content;
      writeFileSync(path, bytes);
      sha256 = createHash('sha256').update(bytes).digest('hex');
      size = bytes.length;
      jpeg = inspectJpeg(bytes);
    } else {
      size = spec.size ?? 0;
      const fd = openSync(path, 'w');
      try {
        ftruncateSync(fd, size);
      } finally {
        closeSync(fd);
      }
    }
    const isPhoto = spec.kind === 'photo';
    const fileName = isPhoto ? undefined : (spec.fileName ?? defaultName(spec.kind));
    return this.register({
      kind: spec.kind,
      file_size: size,
      file_name: fileName,
      mime_type: isPhoto ? undefined : (spec.mimeType ?? guessMime(fileName, undefined)),
      path,
      sha256,
      file_unique_id: spec.uniqueId ?? uniqueIdFor(sha256),
      width: spec.width ?? (jpeg.isJpeg ? jpeg.width : isPhoto ? 1280 : undefined),
      height: spec.height ?? (jpeg.isJpeg ? jpeg.height : isPhoto ? 720 : undefined),
      duration: spec.duration,
      performer: spec.performer,
      title: spec.title,
    });
  }

  private register(
    fields: Omit<StoredFile, 'file_id' | 'file_path' | 'downloadable'> & {
      file_unique_id: string;
    },
  ): StoredFile {
    this.seq++;
    const ext = extensionFor(
      fields.file_name,
      fields.mime_type ??
        (fields.kind === 'photo' || fields.kind === 'thumbnail' ? 'image/jpeg' : undefined),
    );
    const file: StoredFile = {
      ...stripUndefined(fields),
      file_id: `${ID_PREFIX[fields.kind]}${randomBytes(24).toString('base64url')}`,
      file_path: `${FOLDERS[fields.kind]}/file_${this.seq}${ext}`,
      downloadable: false,
    };
    this.byId.set(file.file_id, file);
    this.byPath.set(file.file_path, file);
    this.diskPaths.add(file.path);
    return file;
  }
}

/** Same bytes, same unique id (across uploads), as the docs promise; random without bytes. */
function uniqueIdFor(sha256: string | undefined): string {
  const digest = sha256 ? Buffer.from(sha256, 'hex') : randomBytes(32);
  return `AgAD${digest.subarray(0, 12).toString('base64url')}`;
}

function defaultName(kind: CreateFileSpec['kind']): string {
  return kind === 'audio' ? 'audio.mp3' : kind === 'video' ? 'video.mp4' : 'document.dat';
}

function stripUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
