import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { readBody } from './body.js';
import type { CallLog, CallRecord, CallResult } from './calls.js';
import { ApiError, errorBody } from './errors.js';
import { ClientGone, type Faults } from './faults.js';
import { methods } from './methods/index.js';
import type { UploadedFile } from './multipart.js';
import type { State } from './state.js';

/** What the HTTP layer needs. */
export interface ServerDeps {
  state: State;
  log: CallLog;
  faults: Faults;
}

/** The Bot API over HTTP: `/bot<token>/<method>` and `/file/bot<token>/<file_path>`. */
export function createApiServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    route(deps, req, res).catch((err: unknown) => {
      console.error('emulator: unhandled error', err);
      if (!res.headersSent) sendJson(res, 500, failure(500, 'Internal Server Error'));
    });
  });
}

async function route(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://emulator');
  const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
  if (file) {
    try {
      await deps.faults.stall(clientGone(res));
    } catch {
      return;
    }
    await serveFile(deps.state, res, file[1] ?? '', decodeURIComponent(file[2] ?? ''));
    return;
  }
  const api = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(url.pathname);
  if (!api) {
    sendJson(res, 404, failure(404, 'Not Found'));
    return;
  }
  const [, token = '', name = ''] = api;
  const entry = methods.get(name.toLowerCase());
  const call: CallRecord = { method: entry?.name ?? name, params: {}, at: Date.now(), ok: false };
  if (token !== deps.state.config.token) {
    answerError(deps, res, call, new ApiError(401, 'Unauthorized'));
    return;
  }
  if (!entry) {
    answerError(deps, res, call, new ApiError(404, 'Not Found'));
    return;
  }
  const signal = clientGone(res);
  let uploads: UploadedFile[] = [];
  try {
    const body = await readBody(req, url.searchParams, {
      uploadDir: deps.state.config.uploadDir,
      fileLimitBytes: deps.state.config.uploadLimitBytes,
    });
    uploads = body.files;
    call.params = body.params;
    const drop = await deps.faults.apply(entry.name, signal);
    const result = await entry.handler({ state: deps.state, params: body.params, signal });
    call.ok = true;
    call.result = result as CallResult;
    if (drop) {
      call.dropped = true;
      record(deps, call);
      res.destroy();
      return;
    }
    record(deps, call);
    sendJson(res, 200, { ok: true, result });
  } catch (err) {
    if (err instanceof ClientGone) {
      call.aborted = true;
      record(deps, call);
    } else if (err instanceof ApiError) {
      answerError(deps, res, call, err);
    } else {
      console.error(`emulator: ${entry.name} failed`, err);
      answerError(deps, res, call, new ApiError(500, 'Internal Server Error'));
    }
  } finally {
    // Parts no stored file adopted (refused calls, ignored thumbnails) are not kept.
    const orphans = uploads.filter((upload) => !deps.state.files.owns(upload.path));
    await Promise.all(orphans.map((upload) => rm(upload.path, { force: true })));
  }
}

/** Aborts once the client gives up (AbortController, killed process): it closes the socket. */
function clientGone(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableEnded) controller.abort();
  });
  return controller.signal;
}

function record(deps: ServerDeps, call: CallRecord): void {
  deps.state.stats.calls++;
  deps.log.add(call);
}

function answerError(deps: ServerDeps, res: ServerResponse, call: CallRecord, err: ApiError) {
  call.error = errorBody(err);
  if (err.code === 429) deps.state.stats.tooManyRequests++;
  record(deps, call);
  const status = err.code >= 400 && err.code <= 599 ? err.code : 500;
  sendJson(res, status, { ok: false, ...call.error });
}

function failure(code: number, description: string) {
  return { ok: false, error_code: code, description };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.writableEnded || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Streams a file getFile handed out; anything else is 404 like the real server. */
async function serveFile(state: State, res: ServerResponse, token: string, filePath: string) {
  const file = token === state.config.token ? state.files.byFilePath(filePath) : undefined;
  if (!file?.downloadable) {
    sendJson(res, 404, failure(404, 'Not Found'));
    return;
  }
  const { size } = await stat(file.path);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': size });
  const stream = createReadStream(file.path);
  stream.on('data', (chunk) => {
    state.stats.downloadedBytes += chunk.length;
  });
  stream.on('error', () => res.destroy());
  res.on('close', () => stream.destroy());
  stream.pipe(res);
}
