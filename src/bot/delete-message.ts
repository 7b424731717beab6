import type { Api } from 'grammy';
import { ignoreApiError } from './api-errors.js';

// Refusals meaning the message is gone or never will be: nothing left to do.
const GONE = [
  'message to delete not found',
  "message can't be deleted",
  'bot was blocked by the user',
  'user is deactivated',
  'chat not found',
];

/**
 * Deletes a bot message, treating one that is already gone (or can no longer be deleted) as
 * done. Rejects on other failures (network, 5xx after the retries).
 */
export async function deleteMessageQuietly(
  api: Api,
  chatId: number,
  messageId: number,
): Promise<void> {
  await api.deleteMessage(chatId, messageId).then(() => undefined, ignoreApiError(...GONE));
}
