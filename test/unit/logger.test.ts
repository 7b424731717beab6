import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import pino from 'pino';
import { createScrubber } from '../../src/logger.js';

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

  it('keeps the token out of a serialised error nested in a log line', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ hooks: { streamWrite: scrub } }, sink);
    const inner = new Error(`request to http://127.0.0.1/bot${token}/getMe failed`);
    logger.warn({ err: Object.assign(new Error('Network request failed'), { error: inner }) }, 'x');
    assert.equal(lines.length, 1);
    assert.ok(!lines[0]?.includes(token));
    assert.match(lines[0] ?? '', /bot\[redacted\]\/getMe/);
  });
});
