import type { BotCommand, UserFromGetMe } from 'grammy/types';
import type { Chats } from './chats.js';
import type { Clock } from './clock.js';
import type { FileStore } from './files.js';
import type { RateLimiter } from './limits.js';
import type { MessageStore } from './messages.js';
import type { Params } from './params.js';
import type { UpdateQueue } from './updates.js';
import type { Webhook } from './webhook.js';

/** Counters a test or benchmark can read from Emulator.stats. */
export interface Stats {
  /** Every 429 answered (flood limits and restarting). */
  tooManyRequests: number;
  /** API calls answered or abandoned. */
  calls: number;
  /** Files accepted from multipart bodies and bytes in them. */
  uploads: number;
  uploadedBytes: number;
  /** Bytes served by the /file/ download route. */
  downloadedBytes: number;
}

/** Fixed settings of one emulator. */
export interface Config {
  token: string;
  localMode: boolean;
  uploadLimitBytes: number;
  downloadLimitBytes: number;
  filesDir: string;
  uploadDir: string;
}

/** The emulated server's whole state, shared by the method handlers. */
export interface State {
  readonly config: Config;
  readonly bot: UserFromGetMe;
  readonly chats: Chats;
  readonly messages: MessageStore;
  readonly files: FileStore;
  readonly updates: UpdateQueue;
  readonly limiter: RateLimiter;
  readonly webhook: Webhook;
  readonly stats: Stats;
  /** The server's time; tests move it forward. */
  readonly clock: Clock;
  /** Callback and inline queries not yet answered: id -> when it was sent (clock ms). */
  readonly openQueries: Map<string, number>;
  /** The result ids each answered inline query offered, for chosen_inline_result. */
  readonly inlineAnswers: Map<string, Set<string>>;
  /** Bot commands by scope+language key. */
  readonly commands: Map<string, BotCommand[]>;
  /** Free-form bot settings (descriptions, name, menu button). */
  readonly settings: Map<string, unknown>;
}

/** What a method handler gets for one call. */
export interface CallContext {
  readonly state: State;
  /** Decoded params; handlers may annotate them (e.g. the thumbnail check) for the record. */
  readonly params: Params;
  /** Aborted when the client disconnects. */
  readonly signal: AbortSignal;
}

/** A Bot API method: returns the `result`, or throws an ApiError. */
export type Handler = (ctx: CallContext) => unknown;
