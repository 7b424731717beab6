import type { I18nFlavor } from '@grammyjs/i18n';
import type { Context as BaseContext, SessionFlavor } from 'grammy';
import type { Config } from '../config.js';
import type { Db } from '../db/database.js';
import type { FileKind, User } from '../db/schema.js';
import type { Processing } from '../library/jobs.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../ops/metrics.js';
import type { RuntimeSettings } from '../settings.js';

/** The file an admin sent in the upload dialog, kept until the entry is saved. */
export interface UploadDraft {
  fileId: string;
  fileUniqueId: string;
  kind: FileKind;
  fileName?: string;
  mimeType?: string;
  size: number;
}

/** Where an admin is in the upload dialog. */
export type UploadStep =
  | { step: 'file' }
  | { step: 'title'; file: UploadDraft }
  | { step: 'tags'; file: UploadDraft; title: string };

/** Dialog state kept on disk per chat, so it survives restarts. */
export interface SessionData {
  /** A /start deep-link payload held back while the user joins the required channels. */
  pendingStart?: string;
  upload?: UploadStep;
  /** /set_thumb was sent: the next image becomes the default thumbnail. */
  awaitingThumbnail?: boolean;
  /** Recent searches with more than one page, oldest first: page buttons carry only the key. */
  searches?: { key: string; query: string }[];
}

interface Extras {
  config: Config;
  /** The settings in force for this update (the environment's, or as changed over the API). */
  settings: RuntimeSettings;
  db: Db;
  processing: Processing;
  /** A child of the root logger carrying this update's id. */
  logger: Logger;
  metrics: Metrics;
  /** The sender's row, refreshed for this update (absent for updates without a sender). */
  user?: User;
}

export type Context = BaseContext & Extras & SessionFlavor<SessionData> & I18nFlavor;
