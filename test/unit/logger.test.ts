import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { HttpError } from 'grammy';
import { createLogger } from '../../src/logger.js';
import { createScrubber } from '../../src/scrub.js';

describe('createScrubber', () => {
  const token = '123456:ABC-def_GHI';
  const scrub = createScrubber([token, 'hunter2-password']);

  it('replaces secrets, plain and URL-encoded, wherever they stand', () => {
    assert.equal(
      scrub(
        `request to http://x/bot${token}/getMe failed; ${encodeURIComponent(token)}; hunter2-password`,
      ),
      'request to http://x/bot[redacted]/getMe failed; [redacted]; [redacted]',
    );
  });

  it('leaves other text alone, also when there are no secrets', () => {
    assert.equal(scrub('nothing to hide'), 'nothing to hide');
    assert.equal(createScrubber([])('bot123:abc'), 'bot123:abc');
  });

  it('keeps the token out of a grammY network error logged by the root logger', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = createLogger({ level: 'info', secrets: [token], destination: sink });
    // node-fetch puts the request URL, token included, in the message grammY wraps.
    const inner = new Error(`request to http://127.0.0.1/bot${token}/getMe failed`);
    logger.warn({ err: new HttpError("Network request for 'getMe' failed!", inner) }, 'x');
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]?.includes(token));
    assert.match(lines[0] ?? '', /bot\[redacted\]\/getMe/);
  });
});
