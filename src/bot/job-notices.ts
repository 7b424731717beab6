import type { I18n } from '@grammyjs/i18n';
import type { Api } from 'grammy';
import type { Db } from '../db/database.js';
import { formatSize } from '../library/format.js';
import type { JobNotice } from '../library/jobs.js';
import { ignoreApiError } from '../telegram-errors.js';
import type { Context } from './context.js';
import { deleteMessageQuietly } from './delete-message.js';
import { chatLanguage } from './i18n.js';
import { clip } from './text-limits.js';

/**
 * Tells admins how processing jobs go, in their language: one progress message per large
 * file, edited as it advances and removed at the end, and one final message per job.
 */
export function createJobNotifier(
  api: Api,
  i18n: I18n<Context>,
  db: Db,
  defaultLanguage: string,
): (chatId: number, notice: JobNotice) => Promise<void> {
  const progressMessages = new Map<number, number>();

  return async (chatId, notice) => {
    const language = await chatLanguage(db, chatId, defaultLanguage);
    const title = clip(notice.file.title);
    if (notice.type === 'progress') {
      const text = i18n.t(language, 'job-progress', {
        title,
        phase: notice.phase,
        percent: String(notice.percent),
      });
      const messageId = progressMessages.get(notice.file.id);
      if (messageId === undefined) {
        progressMessages.set(notice.file.id, (await api.sendMessage(chatId, text)).message_id);
      } else {
        await api.editMessageText(chatId, messageId, text).catch(ignoreApiError('notModified'));
      }
      return;
    }
    // The final word replaces the progress message (a new message, so the admin is notified).
    const progress = progressMessages.get(notice.file.id);
    progressMessages.delete(notice.file.id);
    if (progress !== undefined) await deleteMessageQuietly(api, chatId, progress);
    const text =
      notice.type === 'done'
        ? i18n.t(language, 'job-done', { title, fileName: notice.fileName })
        : notice.type === 'original'
          ? i18n.t(language, 'job-original', {
              title,
              size: formatSize(notice.file.size),
              reason: notice.reason,
              limit: formatSize(notice.limitBytes),
            })
          : i18n.t(language, 'job-failed', { title, error: clip(notice.error) });
    await api.sendMessage(chatId, text);
  };
}
