import type { WebhookInfo } from 'grammy/types';
import type { Emulator } from './index.js';

/** The parsed JSON answer of a raw API call, with its HTTP status. */
export interface RawAnswer {
  status: number;
  body: {
    ok: boolean;
    result?: unknown;
    error_code?: number;
    description?: string;
    parameters?: { retry_after?: number };
  };
}

/** Calls a method with a JSON body, as a client without grammY would. */
export async function callJson(
  emu: Emulator,
  method: string,
  params: Record<string, unknown> = {},
  init: { signal?: AbortSignal; token?: string } = {},
): Promise<RawAnswer> {
  const res = await fetch(`${emu.apiRoot}/bot${init.token ?? emu.token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
    signal: init.signal,
  });
  return { status: res.status, body: (await res.json()) as RawAnswer['body'] };
}

/** getWebhookInfo's result, read over HTTP. */
export async function webhookInfo(emu: Emulator): Promise<WebhookInfo> {
  return (await callJson(emu, 'getWebhookInfo')).body.result as WebhookInfo;
}

/** Polls `probe` every 10 ms until true, failing after `timeoutMs`. */
export async function until(probe: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * A minimal JPEG header (SOI, APP0, optional COM padding, SOF0, EOI): enough for the
 * server's checks, which read the frame size from the SOF segment.
 */
export function fakeJpeg(width: number, height: number, padBytes = 0): Buffer {
  const parts: Buffer[] = [Buffer.from([0xff, 0xd8])];
  parts.push(
    Buffer.from([0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
  );
  let left = padBytes;
  while (left > 0) {
    const n = Math.min(left, 65533);
    const com = Buffer.alloc(n + 4);
    com.writeUInt16BE(0xfffe, 0);
    com.writeUInt16BE(n + 2, 2);
    parts.push(com);
    left -= n;
  }
  const sof = Buffer.from([
    0xff, 0xc0, 0x00, 0x11, 0x08, 0, 0, 0, 0, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
  ]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  parts.push(sof, Buffer.from([0xff, 0xd9]));
  return Buffer.concat(parts);
}
