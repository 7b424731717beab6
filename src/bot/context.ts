import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context as BaseContext, SessionFlavor } from 'grammy';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { LibraryFile, User } from '../db/schema.js';
import type { Logger } from '../logger.js';

/** Dialog state kept on disk per chat, so it survives restarts. */
export interface SessionData {
  /** A /start deep-link payload held back while the user joins the required channels. */
  pendingStart?: string;
}

/** The library's processing jobs, as features see them. */
export interface Processing {
  /**
   * Resolves with the file once it has its processed copy, made now through the worker pool
   * if need be (joining a job already running). A file beyond the Bot API limits, or whose
   * processing failed, resolves as it is: send its original file_id. Undefined when the
   * file is gone.
   */
  ensureProcessed(fileId: number): Promise<LibraryFile | undefined>;
}

interface Extras {
  config: Config;
  db: Db;
  processing: Processing;
  /** A child of the root logger carrying this update's id. */
  logger: Logger;
  /** The sender's row, refreshed for this update (absent for updates without a sender). */
  user?: User;
}

export type Context = BaseContext & Extras & SessionFlavor<SessionData> & I18nFlavor;
