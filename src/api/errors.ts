/** An error answered with its status and message in the one error shape (src/api/plugins/app/errors.ts). */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
  }
}
