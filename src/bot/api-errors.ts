import { GrammyError } from 'grammy';

/**
 * Returns a catch handler that swallows one expected Bot API refusal (matched by its
 * description) and rethrows everything else: e.g. "message is not modified" after a
 * double tap, "message to delete not found" for a message already gone.
 */
export function ignoreApiError(...descriptions: string[]): (error: unknown) => void {
  return (error) => {
    const expected =
      error instanceof GrammyError && descriptions.some((d) => error.description.includes(d));
    if (!expected) throw error;
  };
}
