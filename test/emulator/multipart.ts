import { createHash, type Hash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { badRequest, tooLarge } from './errors.js';
import { decodeFileName } from './file-name.js';
import { guessMime } from './mime.js';

/** A file part written to disk while it streamed in. */
export interface UploadedFile {
  /** As the part header gave it (see parseContentDisposition), before the server cleans it. */
  fileName: string;
  mimeType: string;
  size: number;
  path: string;
  sha256: string;
}

/** Fields and file parts of one multipart body, keyed by part name. */
export interface MultipartResult {
  fields: Map<string, string>;
  files: Map<string, UploadedFile>;
}

/** Where file parts go and how large they may be. */
export interface MultipartOptions {
  boundary: string;
  dir: string;
  fileLimitBytes: number;
  fieldLimitBytes?: number;
}

const CRLF = Buffer.from('\r\n');
const HEADERS_END = Buffer.from('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;
const EMPTY = Buffer.alloc(0);

interface FileSink {
  kind: 'file';
  name: string;
  fileName: string;
  partType: string | undefined;
  path: string;
  stream: WriteStream;
  hash: Hash;
  size: number;
}

interface FieldSink {
  kind: 'field';
  name: string;
  chunks: Buffer[];
  size: number;
}

type Sink = FileSink | FieldSink | { kind: 'skip' };

/**
 * Parses a multipart/form-data stream by hand: the delimiter is searched across chunk
 * edges, file parts are hashed and written straight to disk, nothing is buffered whole.
 * On any failure every file this body created is removed before the error is rethrown.
 */
export async function parseMultipart(
  body: Readable,
  options: MultipartOptions,
): Promise<MultipartResult> {
  const parser = new MultipartParser(options);
  try {
    // Keep the request alive on failure so a 413 can still be answered on it.
    for await (const chunk of body.iterator({ destroyOnReturn: false })) {
      await parser.write(chunk as Buffer);
    }
    return parser.finish();
  } catch (err) {
    await parser.abort();
    throw err;
  }
}

class MultipartParser {
  // A virtual CRLF in front lets the first boundary match the same delimiter as the others.
  private buf: Buffer = CRLF;
  private state: 'preamble' | 'afterBoundary' | 'headers' | 'body' | 'done' = 'preamble';
  private readonly delimiter: Buffer;
  private sink: Sink = { kind: 'skip' };
  private readonly created: string[] = [];
  private readonly fields = new Map<string, string>();
  private readonly files = new Map<string, UploadedFile>();

  constructor(private readonly options: MultipartOptions) {
    this.delimiter = Buffer.from(`\r\n--${options.boundary}`);
  }

  async write(chunk: Buffer): Promise<void> {
    this.buf = this.buf.length > 0 ? Buffer.concat([this.buf, chunk]) : chunk;
    for (;;) {
      const progressed = await this.step();
      if (!progressed) return;
    }
  }

  finish(): MultipartResult {
    // A body that never opened a part is simply empty; one cut inside a part is not.
    if (this.state !== 'done' && this.state !== 'preamble') {
      throw badRequest('invalid multipart/form-data body');
    }
    return { fields: this.fields, files: this.files };
  }

  async abort(): Promise<void> {
    if (this.sink.kind === 'file') {
      // A stream still opening its file creates it when the open lands: removed before then,
      // the file would stay. Destroyed, it closes once open.
      const { stream } = this.sink;
      stream.destroy();
      if (!stream.closed) await once(stream, 'close');
    }
    await Promise.all(this.created.map((path) => rm(path, { force: true })));
  }

  /** Consumes what it can from `buf`; false when more input is needed. */
  private async step(): Promise<boolean> {
    switch (this.state) {
      case 'preamble': {
        const at = this.buf.indexOf(this.delimiter);
        if (at < 0) {
          this.buf = this.tail();
          return false;
        }
        this.buf = this.buf.subarray(at + this.delimiter.length);
        this.state = 'afterBoundary';
        return true;
      }
      case 'afterBoundary': {
        if (this.buf.length < 2) return false;
        if (this.buf[0] === 0x2d && this.buf[1] === 0x2d) {
          this.state = 'done';
          this.buf = EMPTY;
          return false;
        }
        // The boundary line may carry transport padding before its CRLF.
        const eol = this.buf.indexOf(CRLF);
        if (eol < 0) {
          if (this.buf.length > 1024) throw badRequest('invalid multipart/form-data body');
          return false;
        }
        this.buf = this.buf.subarray(eol + 2);
        this.state = 'headers';
        return true;
      }
      case 'headers': {
        let end: number;
        let skip: number;
        if (this.buf.length >= 2 && this.buf[0] === 0x0d && this.buf[1] === 0x0a) {
          end = 0;
          skip = 2;
        } else {
          end = this.buf.indexOf(HEADERS_END);
          skip = 4;
        }
        if (end < 0) {
          if (this.buf.length > MAX_HEADER_BYTES) throw badRequest('multipart headers too long');
          return false;
        }
        const headers = parseHeaders(this.buf.subarray(0, end).toString('utf8'));
        this.buf = this.buf.subarray(end + skip);
        this.sink = this.openSink(headers);
        this.state = 'body';
        return true;
      }
      case 'body': {
        const at = this.buf.indexOf(this.delimiter);
        if (at < 0) {
          // Hold back just enough bytes to catch a delimiter split across chunks.
          const safe = this.buf.length - (this.delimiter.length - 1);
          if (safe > 0) {
            await this.writeSink(this.buf.subarray(0, safe));
            this.buf = this.buf.subarray(safe);
          }
          return false;
        }
        await this.writeSink(this.buf.subarray(0, at));
        await this.closeSink();
        this.buf = this.buf.subarray(at + this.delimiter.length);
        this.state = 'afterBoundary';
        return true;
      }
      case 'done':
        this.buf = EMPTY;
        return false;
    }
  }

  private tail(): Buffer {
    const keep = this.delimiter.length - 1;
    return this.buf.length > keep ? this.buf.subarray(this.buf.length - keep) : this.buf;
  }

  private openSink(headers: Map<string, string>): Sink {
    const disposition = parseContentDisposition(headers.get('content-disposition') ?? '');
    const name = disposition.params.get('name');
    if (name === undefined) return { kind: 'skip' };
    const header = disposition.params.get('filename');
    if (header === undefined) return { kind: 'field', name, chunks: [], size: 0 };
    const fileName = decodeFileName(header);
    const path = join(this.options.dir, `${Date.now()}-${randomBytes(8).toString('hex')}.part`);
    this.created.push(path);
    return {
      kind: 'file',
      name,
      fileName,
      partType: headers.get('content-type'),
      path,
      stream: createWriteStream(path),
      hash: createHash('sha256'),
      size: 0,
    };
  }

  private async writeSink(data: Buffer): Promise<void> {
    const sink = this.sink;
    if (data.length === 0 || sink.kind === 'skip') return;
    sink.size += data.length;
    if (sink.kind === 'field') {
      if (sink.size > (this.options.fieldLimitBytes ?? 8 * 1024 * 1024)) throw tooLarge();
      sink.chunks.push(Buffer.from(data));
      return;
    }
    if (sink.size > this.options.fileLimitBytes) throw tooLarge();
    sink.hash.update(data);
    // Respect the disk's pace: the caller stops reading the socket until the write drains.
    if (!sink.stream.write(data)) await once(sink.stream, 'drain');
  }

  private async closeSink(): Promise<void> {
    const sink = this.sink;
    this.sink = { kind: 'skip' };
    if (sink.kind === 'field') {
      this.fields.set(sink.name, Buffer.concat(sink.chunks).toString('utf8'));
    } else if (sink.kind === 'file') {
      await new Promise<void>((resolve, reject) => {
        sink.stream.end((err?: Error | null) => (err ? reject(err) : resolve()));
      });
      this.files.set(sink.name, {
        fileName: sink.fileName,
        mimeType: guessMime(sink.fileName, sink.partType),
        size: sink.size,
        path: sink.path,
        sha256: sink.hash.digest('hex'),
      });
    }
  }
}

/** Header names lower-cased; values trimmed. Later duplicates win. */
function parseHeaders(block: string): Map<string, string> {
  const headers = new Map<string, string>();
  for (const line of block.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return headers;
}

/**
 * Parses `form-data; name="x"; filename=Grammar Basics.pdf` the way the server's HttpReader
 * does: each value runs to the next `;` (quoted or not: `filename="a;b"` is `"a`), is
 * trimmed, and loses its quotes only when it both starts and ends with one. No escapes, and
 * RFC 5987 `filename*` is a key like any other (the server ignores it).
 */
export function parseContentDisposition(value: string): {
  type: string;
  params: Map<string, string>;
} {
  const params = new Map<string, string>();
  const semi = value.indexOf(';');
  const type = (semi < 0 ? value : value.slice(0, semi)).trim().toLowerCase();
  let rest = semi < 0 ? '' : value.slice(semi + 1);
  for (;;) {
    rest = rest.trim();
    const eq = rest.indexOf('=');
    if (eq < 0) break;
    const key = rest.slice(0, eq).trim();
    rest = rest.slice(eq + 1);
    const end = rest.includes(';') ? rest.indexOf(';') : rest.length;
    let item = rest.slice(0, end).trim();
    if (item.length > 1 && item.startsWith('"') && item.endsWith('"')) item = item.slice(1, -1);
    rest = rest.slice(end + 1);
    params.set(key, item);
  }
  return { type, params };
}
