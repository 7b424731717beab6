import { HttpError } from 'grammy';

/** A sendMessage that failed on the network, as grammY reports it: node-fetch's error and code. */
export function networkError(message: string, code: string): HttpError {
  return new HttpError(
    "Network request for 'sendMessage' failed!",
    Object.assign(new Error(message), { code }),
  );
}
