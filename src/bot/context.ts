import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context as BaseContext, SessionFlavor } from 'grammy';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { User } from '../db/schema.js';
import type { Logger } from '../logger.js';

/** Dialog state kept on disk per chat, so it survives restarts. */
export interface SessionData {
  /** A /start deep-link payload held back while the user joins the required channels. */
  pendingStart?: string;
}

interface Extras {
  config: Config;
  db: Db;
  /** A child of the root logger carrying this update's id. */
  logger: Logger;
  /** The sender's row, refreshed for this update (absent for updates without a sender). */
  user?: User;
}

export type Context = BaseContext & Extras & SessionFlavor<SessionData> & I18nFlavor;
