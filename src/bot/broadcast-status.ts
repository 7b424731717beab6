import type { I18n } from '@grammyjs/i18n';
import type { Api } from 'grammy';
import type { BroadcastProgress } from '../broadcast/actor.js';
import { totalRecipients } from '../db/broadcasts.js';
import type { Db } from '../db/database.js';
import { ignoreStaleEdit } from '../telegram-errors.js';
import type { Context } from './context.js';
import { chatLanguage } from './i18n.js';
import { stopBroadcastKeyboard } from './keyboards/broadcast.js';

const BAR = 12;

/**
 * Edits a broadcast's status message in its admin's language: a progress bar with sent,
 * blocked, failed and remaining, the rate and the time left, and a Stop button; at the end,
 * the report. The actor calls it every few seconds, so the edits stay far inside the
 * one-message-a-second pace for the admin's chat.
 */
export function createBroadcastStatus(
  api: Api,
  i18n: I18n<Context>,
  db: Db,
  defaultLanguage: string,
): (progress: BroadcastProgress) => Promise<void> {
  // What each status message shows now: an unchanged report is not sent again.
  const shown = new Map<number, string>();
  return async ({ broadcast, counts, rate, over }) => {
    const chatId = broadcast.status_chat_id;
    const messageId = broadcast.status_message_id;
    if (chatId === null || messageId === null) return;
    const language = await chatLanguage(db, chatId, defaultLanguage);
    const total = totalRecipients(counts);
    const handled = total - counts.pending;
    const values = {
      id: String(broadcast.id),
      sent: counts.sent,
      blocked: counts.blocked,
      failed: counts.failed,
      unknown: counts.unknown,
      remaining: counts.pending,
      total,
    };
    let text: string;
    if (over) {
      const seconds = Math.round(
        ((broadcast.finished_at ?? Date.now()) - (broadcast.started_at ?? Date.now())) / 1000,
      );
      const key =
        broadcast.status === 'cancelled' ? 'broadcast-report-cancelled' : 'broadcast-report-done';
      text = i18n.t(language, key, { ...values, seconds });
    } else {
      const fraction = total > 0 ? handled / total : 1;
      const filled = Math.round(fraction * BAR);
      text = i18n.t(language, 'broadcast-progress', {
        ...values,
        bar: '▓'.repeat(filled) + '░'.repeat(BAR - filled),
        percent: Math.floor(fraction * 100),
        rate: rate.toFixed(1),
        eta: rate > 0 ? Math.ceil(counts.pending / rate) : '?',
      });
    }
    if (over) shown.delete(broadcast.id);
    else if (shown.get(broadcast.id) === text) return;
    else shown.set(broadcast.id, text);
    await api
      .editMessageText(chatId, messageId, text, {
        reply_markup: over ? undefined : stopBroadcastKeyboard(i18n, language, broadcast.id),
      })
      .catch(ignoreStaleEdit);
  };
}
