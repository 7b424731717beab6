/** An error answered with its status and message in the one error shape (src/api/plugins/app/errors.ts). */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
