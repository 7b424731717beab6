import { GrammyError, HttpError } from 'grammy';

/**
 * What a failed Bot API call means for the caller; the one place that reads Telegram's
 * error codes and texts.
 * - gone: the chat will never take a message (blocked, deactivated, kicked, not found, never
 *   started the bot);
 * - retryAfter: a 429; wait `seconds`, then try again;
 * - transient: a 5xx, or a network error that proves the request never reached Telegram:
 *   repeating it cannot duplicate anything;
 * - unknown: the request may have reached Telegram (a timeout, a connection lost after
 *   sending): repeating a send could deliver it twice;
 * - notModified: an edit with identical content;
 * - messageGone: the message to edit or delete is not there, or can no longer be deleted;
 * - refused: any other refusal; trying again will not help.
 */
export type ApiErrorMeaning =
  | { kind: 'gone' | 'transient' | 'unknown' | 'notModified' | 'messageGone' | 'refused' }
  | { kind: 'retryAfter'; seconds: number };

export type ApiErrorKind = ApiErrorMeaning['kind'];

/** A Bot API refusal as plain data, so a worker thread can hand it over. */
export interface Refusal {
  errorCode: number;
  description: string;
  retryAfter?: number | undefined;
}

const GONE = [
  'bot was blocked by the user',
  'user is deactivated',
  'chat not found',
  'bot was kicked',
  "bot can't initiate conversation",
];

const MESSAGE_GONE = [
  'message to delete not found',
  'message to edit not found',
  "message can't be deleted",
];

/** The meaning of a refusal Telegram answered with. */
export function refusalMeaning(refusal: Refusal): ApiErrorMeaning {
  const { errorCode, description } = refusal;
  if (errorCode === 429) return { kind: 'retryAfter', seconds: refusal.retryAfter ?? 1 };
  if (errorCode >= 500) return { kind: 'transient' };
  if (GONE.some((text) => description.includes(text))) return { kind: 'gone' };
  if (MESSAGE_GONE.some((text) => description.includes(text))) return { kind: 'messageGone' };
  if (description.includes('message is not modified')) return { kind: 'notModified' };
  return { kind: 'refused' };
}

/** The meaning of anything a Bot API call threw. */
export function apiErrorMeaning(error: unknown): ApiErrorMeaning {
  if (error instanceof GrammyError) {
    return refusalMeaning({
      errorCode: error.error_code,
      description: error.description,
      retryAfter: error.parameters.retry_after,
    });
  }
  return { kind: neverSent(error) ? 'transient' : 'unknown' };
}

// Failures of DNS or of opening the connection: no byte of the request left this machine.
const NOT_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * True when a network error proves the request never reached the server: the lookup or the
 * connection failed. A timeout or a reset after connecting proves nothing.
 */
export function neverSent(error: unknown): boolean {
  return causes(error).some(({ code, syscall }) => {
    return syscall === 'getaddrinfo' || (typeof code === 'string' && NOT_SENT_CODES.has(code));
  });
}

/** The error and what it wraps (grammY's HttpError, fetch's cause), a few levels deep. */
function causes(error: unknown): NodeJS.ErrnoException[] {
  const chain: NodeJS.ErrnoException[] = [];
  for (let current = error; current instanceof Error && chain.length < 4; ) {
    chain.push(current);
    current = current instanceof HttpError ? current.error : current.cause;
  }
  return chain;
}

/** How one Bot API request ended, as the metrics count it. */
export type CallOutcome = 'ok' | '4xx' | '429' | '5xx' | 'network' | 'timeout';

/** The outcome of a request Telegram answered. */
export function answerOutcome(answer: { ok: boolean; error_code?: number }): CallOutcome {
  if (answer.ok) return 'ok';
  const code = answer.error_code ?? 0;
  if (code === 429) return '429';
  return code >= 500 ? '5xx' : '4xx';
}

// grammY's own deadline (timeoutSeconds) rejects with this text; a deadline set through the
// call's signal (AbortSignal.timeout) aborts it with a TimeoutError.
const GRAMMY_TIMEOUT = /^Request to '\w+' timed out after/;

/**
 * The outcome of a request that got no answer: `timeout` when a deadline (the client's, the
 * call's signal, or the socket's) cut it short, else `network`.
 */
export function failureOutcome(error: unknown, signal?: AbortSignal): 'network' | 'timeout' {
  if (signal?.aborted && (signal.reason as Error | undefined)?.name === 'TimeoutError') {
    return 'timeout';
  }
  const timedOut = causes(error).some(
    ({ code, message }) =>
      GRAMMY_TIMEOUT.test(message) ||
      code === 'ETIMEDOUT' ||
      /^UND_ERR_.*TIMEOUT$/.test(code ?? ''),
  );
  return timedOut ? 'timeout' : 'network';
}

/**
 * True for failures of the network itself rather than answers from Telegram: grammY's
 * HttpError, fetch's own failures ('fetch failed' with a cause) and socket errors.
 */
export function isNetworkError(error: unknown): boolean {
  if (error instanceof HttpError) return true;
  if (!(error instanceof Error)) return false;
  if (error.message === 'fetch failed') return true;
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && /^(ECONN|EPIPE|ETIMEDOUT|EAI_|UND_ERR|ENOTFOUND)/.test(code);
}

/**
 * Returns a catch handler that swallows the expected kinds of failure and rethrows the rest:
 * e.g. notModified after a double tap.
 */
export function ignoreApiError(...kinds: ApiErrorKind[]): (error: unknown) => void {
  return (error) => {
    if (!(error instanceof GrammyError && kinds.includes(apiErrorMeaning(error).kind))) {
      throw error;
    }
  };
}

/**
 * The catch handler of an edit to a message the user sees: an edit with the same content (a
 * double tap) or of a message deleted meanwhile has nothing left to do.
 */
export const ignoreStaleEdit = ignoreApiError('notModified', 'messageGone');
