import { InlineKeyboard } from 'grammy';
import { deleteData, deleteNoData, deleteYesData, downloadData } from '../callback-data.js';
import type { Context } from '../context.js';

/** The card's buttons: download, and for admins delete. */
export function fileCardKeyboard(ctx: Context, fileId: number, admin: boolean): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(
    ctx.t('card-download'),
    downloadData.pack({ id: fileId }),
  );
  if (admin) keyboard.row().text(ctx.t('card-delete'), deleteData.pack({ id: fileId }));
  return keyboard;
}

/** An admin's second step before a file is deleted for good. */
export function deleteConfirmKeyboard(ctx: Context, fileId: number): InlineKeyboard {
  return new InlineKeyboard()
    .text(ctx.t('card-delete-yes'), deleteYesData.pack({ id: fileId }))
    .text(ctx.t('card-delete-no'), deleteNoData.pack({ id: fileId }));
}
