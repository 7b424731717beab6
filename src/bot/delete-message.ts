import type { Api } from 'grammy';
import { ignoreApiError } from '../telegram-errors.js';

/**
 * Deletes a bot message, treating one that is already gone (or can no longer be deleted, or
 * whose chat is gone) as done. Rejects on other failures (network, 5xx after the retries).
 */
export async function deleteMessageQuietly(
  api: Api,
  chatId: number,
  messageId: number,
): Promise<void> {
  await api
    .deleteMessage(chatId, messageId)
    .then(() => undefined, ignoreApiError('messageGone', 'gone'));
}
