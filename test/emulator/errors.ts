import type { ResponseParameters } from 'grammy/types';

/** A Bot API refusal: answered as `{ ok: false, error_code, description, parameters? }`. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: ResponseParameters,
  ) {
    super(description);
    this.name = 'ApiError';
  }
}

/** 400 with the server's `Bad Request: ` prefix. */
export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

/** 403 with the server's `Forbidden: ` prefix. */
export const forbidden = (what: string): ApiError => new ApiError(403, `Forbidden: ${what}`);

/** 409 with the server's `Conflict: ` prefix. */
export const conflict = (what: string): ApiError => new ApiError(409, `Conflict: ${what}`);

/** 429 flood wait; `seconds` is rounded up and at least 1, as the server never says 0. */
export function tooManyRequests(seconds: number): ApiError {
  const n = Math.max(1, Math.ceil(seconds));
  return new ApiError(429, `Too Many Requests: retry after ${n}`, { retry_after: n });
}

/** 413 for an upload over the server's limit. */
export const tooLarge = (): ApiError => new ApiError(413, 'Request Entity Too Large');

/** The JSON body of an error answer. */
export interface ApiErrorBody {
  error_code: number;
  description: string;
  parameters?: ResponseParameters;
}

/** Turns an ApiError into the body fields the server sends. */
export function errorBody(err: ApiError): ApiErrorBody {
  const body: ApiErrorBody = { error_code: err.code, description: err.description };
  if (err.parameters) body.parameters = err.parameters;
  return body;
}
