import type { IncomingMessage } from 'node:http';
import { badRequest, tooLarge } from './errors.js';
import { parseMultipart, type UploadedFile } from './multipart.js';
import { decodeParams, isUpload, markUpload, type Params } from './params.js';

/** A request's parameters plus every file its body wrote to disk (for clean-up). */
export interface ParsedBody {
  params: Params;
  files: UploadedFile[];
}

/** Limits and the directory for streamed file parts. */
export interface BodyOptions {
  uploadDir: string;
  fileLimitBytes: number;
}

const MAX_TEXT_BODY = 16 * 1024 * 1024;

/**
 * Reads query-string parameters and a JSON, urlencoded or multipart body into one decoded
 * parameter object. Multipart `attach://<part>` references (and parts named after a field,
 * as curl sends them) are replaced by the uploaded file.
 */
export async function readBody(
  req: IncomingMessage,
  query: URLSearchParams,
  options: BodyOptions,
): Promise<ParsedBody> {
  const params: Params = Object.fromEntries(query);
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  if (type.startsWith('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(req.headers['content-type'] ?? '');
    const value = boundary?.[1] ?? boundary?.[2];
    if (!value) throw badRequest('multipart boundary is missing');
    const result = await parseMultipart(req, {
      boundary: value,
      dir: options.uploadDir,
      fileLimitBytes: options.fileLimitBytes,
    });
    for (const [key, field] of result.fields) params[key] = field;
    decodeParams(params);
    for (const [name, file] of result.files) {
      markUpload(file);
      if (params[name] === undefined) params[name] = file;
    }
    resolveAttachments(params, result.files);
    return { params, files: [...result.files.values()] };
  }
  const text = await readText(req);
  if (type.startsWith('application/json')) {
    if (text.trim() !== '') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        throw badRequest("can't parse JSON object");
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw badRequest("can't parse JSON object");
      }
      Object.assign(params, parsed);
    }
  } else if (text !== '') {
    // urlencoded, and also what curl sends without a content type.
    for (const [key, value] of new URLSearchParams(text)) params[key] = value;
  }
  return { params: decodeParams(params), files: [] };
}

async function readText(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_TEXT_BODY) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Replaces `attach://name` strings anywhere in the params (e.g. inside `media`). */
function resolveAttachments(value: unknown, files: Map<string, UploadedFile>): void {
  if (typeof value !== 'object' || value === null) return;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.entries(value);
  for (const [key, item] of entries) {
    if (typeof item === 'string' && item.startsWith('attach://')) {
      const file = files.get(item.slice('attach://'.length));
      if (file) (value as Record<string | number, unknown>)[key] = file;
    } else if (typeof item === 'object' && item !== null && !isUpload(item)) {
      resolveAttachments(item, files);
    }
  }
}
