import type { ColumnType, Generated, Selectable } from 'kysely';

/** Unix milliseconds, filled in by the database when omitted. */
type CreatedAt = ColumnType<number, number | undefined, number>;

export interface UsersTable {
  /** The Telegram user id. */
  id: number;
  username: string | null;
  first_name: string;
  last_name: string | null;
  /** Telegram's language_code for the user, as last seen. */
  language_code: string | null;
  /** The language the user chose with /lang. */
  language: string | null;
  /** Set when an admin banned the user: the bot then ignores them. */
  banned_at: number | null;
  /** Set while the user has blocked the bot. */
  blocked_at: number | null;
  created_at: CreatedAt;
  last_seen_at: CreatedAt;
}

/** The kinds of library file; each is sent with its own method (sendDocument, ...). */
export type FileKind = 'document' | 'audio' | 'video';

export interface FilesTable {
  id: Generated<number>;
  file_id: string;
  /** The renamed copy with the default thumbnail, once processing made it. */
  processed_file_id: string | null;
  /** The copy's file_unique_id: the copy sent to /upload is this entry again. */
  processed_file_unique_id: string | null;
  /** The kind Telegram made of the copy (a document for formats it cannot play). */
  processed_type: FileKind | null;
  file_unique_id: string;
  file_name: string | null;
  mime_type: string | null;
  title: string;
  type: FileKind;
  size: number;
  thumbnail_file_id: string | null;
  /** Comma-separated, lower-case. */
  tags: string;
  added_by: number | null;
  downloads_count: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  /** Normalised title, for the full-text index; kept in step by src/db/files.ts. */
  search_title: Generated<string>;
  /** Normalised tags, for the full-text index; kept in step by src/db/files.ts. */
  search_tags: Generated<string>;
}

/** FTS5 index over files.search_title and files.search_tags (external content, rowid = id). */
export interface FilesFtsTable {
  rowid: number;
  search_title: string;
  search_tags: string;
}

export interface DownloadsTable {
  id: Generated<number>;
  user_id: number;
  file_id: number;
  created_at: CreatedAt;
}

/** Running totals kept by triggers (migration 0008): users, users_blocked, files, downloads. */
export interface CountersTable {
  name: string;
  value: number;
}

/** Downloads of the whole library per UTC day, kept by a trigger. */
export interface DownloadDaysTable {
  /** Unix ms / 86,400,000. */
  day: number;
  count: number;
}

/** Download rows past their retention, folded into counts per file and UTC day. */
export interface DownloadHistoryTable {
  file_id: number;
  day: number;
  count: number;
}

export interface SettingsTable {
  key: string;
  value: string;
  updated_at: CreatedAt;
}

export interface HealthChecksTable {
  id: Generated<number>;
  created_at: CreatedAt;
  level: 'info' | 'warn' | 'error';
  source: string;
  message: string;
  /** JSON. */
  context: string | null;
}

/** The bot process's last heartbeat (name 'bot'), read by the API's readiness. */
export interface HeartbeatsTable {
  name: string;
  /** The last successful getUpdates; null before the first. */
  telegram_at: number | null;
  /** 1 while the worker pool takes jobs; 0 once closed or its queue is full. */
  pool_accepting: number;
  pool_busy: number;
  pool_queued: number;
  broadcast_id: number | null;
  version: string;
  started_at: number;
  updated_at: number;
}

export interface JoinRequestsTable {
  chat_id: number;
  user_id: number;
  created_at: CreatedAt;
}

export interface ProcessingJobsTable {
  id: Generated<number>;
  /** The library file (files.id). */
  file_id: number;
  /** 'original': the file is beyond the Bot API limits and is served as uploaded. */
  status: 'queued' | 'running' | 'done' | 'original' | 'failed';
  attempts: Generated<number>;
  /** Unix ms before which the job is not started (backoff). */
  run_after: CreatedAt;
  /** The admin's chat, told how the job ended. */
  notify_chat_id: number | null;
  /** Why it ended as it did: the error, or the limit it is over (JSON). */
  result: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ScheduledDeletionsTable {
  id: Generated<number>;
  chat_id: number;
  message_id: number;
  /** Unix ms. */
  delete_at: number;
  /** Failed tries so far. */
  attempts: Generated<number>;
}

export interface BroadcastsTable {
  id: Generated<number>;
  /** draft: awaiting the admin's Send; queued/running: the actor's; done/cancelled: over. */
  status: 'draft' | 'queued' | 'running' | 'done' | 'cancelled';
  created_by: number | null;
  /** A text broadcast, with its formatting (JSON MessageEntity[])... */
  text: string | null;
  entities: string | null;
  /** Or Telegram markup in the text: 'HTML', 'MarkdownV2' or 'Markdown' (admin API). */
  parse_mode: 'HTML' | 'MarkdownV2' | 'Markdown' | null;
  /** ...or a copy of any message (copyMessage keeps media, captions and formatting). */
  from_chat_id: number | null;
  message_id: number | null;
  /** The admin's status message, edited with the progress. */
  status_chat_id: number | null;
  status_message_id: number | null;
  created_at: CreatedAt;
  started_at: number | null;
  finished_at: number | null;
  /** What the recipients came to, kept once their rows are pruned (null until then). */
  sent_count: number | null;
  blocked_count: number | null;
  failed_count: number | null;
  unknown_count: number | null;
}

export interface BroadcastRecipientsTable {
  broadcast_id: number;
  user_id: number;
  /**
   * blocked: the user blocked the bot, is deactivated or gone (not a failure). unknown: the
   * send may have reached them (it timed out or lost its connection), so it is not repeated.
   */
  status: ColumnType<
    'pending' | 'sent' | 'blocked' | 'failed' | 'unknown',
    'pending' | undefined,
    'sent' | 'blocked' | 'failed' | 'unknown'
  >;
  error: string | null;
  updated_at: number | null;
}

export interface AdminAccountsTable {
  id: Generated<number>;
  /** Case as typed; unique. */
  username: string;
  /** argon2id; never leaves the server. */
  password_hash: string;
  role: 'superadmin' | 'admin' | 'editor' | 'viewer';
  disabled_at: number | null;
  /** In every token; raised to revoke the account's tokens. */
  token_version: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface AuditLogTable {
  id: Generated<number>;
  account_id: number;
  /** What was done, e.g. `files.update`. */
  action: string;
  object_type: string;
  object_id: string | null;
  /** JSON, or null when there was nothing before (after) the change. */
  before: string | null;
  after: string | null;
  created_at: CreatedAt;
}

export interface LoginFailuresTable {
  id: Generated<number>;
  username: string;
  address: string;
  created_at: CreatedAt;
}

export interface Database {
  users: UsersTable;
  files: FilesTable;
  files_fts: FilesFtsTable;
  downloads: DownloadsTable;
  counters: CountersTable;
  download_days: DownloadDaysTable;
  download_history: DownloadHistoryTable;
  settings: SettingsTable;
  health_checks: HealthChecksTable;
  heartbeats: HeartbeatsTable;
  join_requests: JoinRequestsTable;
  processing_jobs: ProcessingJobsTable;
  scheduled_deletions: ScheduledDeletionsTable;
  broadcasts: BroadcastsTable;
  broadcast_recipients: BroadcastRecipientsTable;
  admin_accounts: AdminAccountsTable;
  audit_log: AuditLogTable;
  login_failures: LoginFailuresTable;
}

export type User = Selectable<UsersTable>;
export type Broadcast = Selectable<BroadcastsTable>;
export type AdminAccount = Selectable<AdminAccountsTable>;
/** A library file as callers see it; the search columns are the index's business. */
export type LibraryFile = Omit<Selectable<FilesTable>, 'search_title' | 'search_tags'>;
