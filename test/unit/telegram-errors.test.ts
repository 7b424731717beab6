import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GrammyError, HttpError } from 'grammy';
import {
  apiErrorMeaning,
  ignoreApiError,
  isNetworkError,
  neverSent,
  refusalMeaning,
} from '../../src/telegram-errors.js';
import { networkError } from './network-error.js';

function refusal(error_code: number, description: string, retry_after?: number): GrammyError {
  return new GrammyError(
    `Call to 'sendMessage' failed! (${error_code}: ${description})`,
    { ok: false, error_code, description, ...(retry_after ? { parameters: { retry_after } } : {}) },
    'sendMessage',
    {},
  );
}

describe('apiErrorMeaning', () => {
  it('knows every way a recipient is gone', () => {
    for (const [code, text] of [
      [403, 'Forbidden: bot was blocked by the user'],
      [403, 'Forbidden: user is deactivated'],
      [400, 'Bad Request: chat not found'],
      [403, 'Forbidden: bot was kicked from the group chat'],
      [403, "Forbidden: bot can't initiate conversation with a user"],
    ] as const) {
      assert.deepEqual(apiErrorMeaning(refusal(code, text)), { kind: 'gone' }, text);
    }
  });

  it('reads retry_after from a 429, and calls 5xx transient', () => {
    assert.deepEqual(apiErrorMeaning(refusal(429, 'Too Many Requests: retry after 7', 7)), {
      kind: 'retryAfter',
      seconds: 7,
    });
    assert.deepEqual(apiErrorMeaning(refusal(502, 'Bad Gateway')), { kind: 'transient' });
  });

  it('tells messages that are gone, edits that change nothing and other refusals apart', () => {
    for (const text of [
      'Bad Request: message to delete not found',
      'Bad Request: message to edit not found',
      "Bad Request: message can't be deleted",
    ]) {
      assert.deepEqual(apiErrorMeaning(refusal(400, text)), { kind: 'messageGone' }, text);
    }
    assert.deepEqual(
      apiErrorMeaning(refusal(400, 'Bad Request: message is not modified: same content')),
      { kind: 'notModified' },
    );
    assert.deepEqual(apiErrorMeaning(refusal(400, 'Bad Request: message text is empty')), {
      kind: 'refused',
    });
  });

  it('retries only network errors that prove the request never left', () => {
    assert.deepEqual(apiErrorMeaning(networkError('connect ECONNREFUSED', 'ECONNREFUSED')), {
      kind: 'transient',
    });
    assert.deepEqual(apiErrorMeaning(networkError('getaddrinfo ENOTFOUND', 'ENOTFOUND')), {
      kind: 'transient',
    });
    // Connected, then lost: Telegram may have the message.
    assert.deepEqual(apiErrorMeaning(networkError('socket hang up', 'ECONNRESET')), {
      kind: 'unknown',
    });
    assert.deepEqual(
      apiErrorMeaning(
        new HttpError('failed', new Error("Request to 'x' timed out after 5 seconds")),
      ),
      { kind: 'unknown' },
    );
    assert.deepEqual(apiErrorMeaning(new Error('anything else')), { kind: 'unknown' });
  });

  it('reads a refusal handed over as plain data the same way', () => {
    assert.deepEqual(refusalMeaning({ errorCode: 429, description: 'Too Many Requests' }), {
      kind: 'retryAfter',
      seconds: 1,
    });
    assert.deepEqual(refusalMeaning({ errorCode: 500, description: 'Internal Server Error' }), {
      kind: 'transient',
    });
  });
});

describe('neverSent and isNetworkError', () => {
  it('follow the cause chain of undici and node-fetch errors', () => {
    const undici = new TypeError('fetch failed', {
      cause: Object.assign(new Error('connect timeout'), { code: 'UND_ERR_CONNECT_TIMEOUT' }),
    });
    assert.equal(neverSent(undici), true);
    assert.equal(isNetworkError(undici), true);
    assert.equal(neverSent(networkError('read ECONNRESET', 'ECONNRESET')), false);
    assert.equal(isNetworkError(networkError('read ECONNRESET', 'ECONNRESET')), true);
    assert.equal(isNetworkError(refusal(500, 'Internal Server Error')), false);
  });
});

describe('ignoreApiError', () => {
  it('swallows the kinds asked for and rethrows the rest', () => {
    const ignore = ignoreApiError('notModified');
    assert.doesNotThrow(() => ignore(refusal(400, 'Bad Request: message is not modified')));
    const other = refusal(400, 'Bad Request: chat not found');
    assert.throws(
      () => ignore(other),
      (error) => error === other,
    );
    const lost = networkError('socket hang up', 'ECONNRESET');
    assert.throws(
      () => ignoreApiError('unknown')(lost),
      (error) => error === lost,
    );
  });
});
