import { randomBytes, randomInt } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Chat, File, Message, Update, User, UserFromGetMe } from 'grammy/types';
import { CallLog, type CallRecord, type WaitOptions } from './calls.js';
import { type ChannelSpec, Chats, type MemberStatus, type UserSpec } from './chats.js';
import { Clock } from './clock.js';
import type { ApiErrorBody } from './errors.js';
import { type Delay, Faults } from './faults.js';
import { type CreateFileSpec, FileStore, type StoredFile } from './files.js';
import { RateLimiter, type RateLimits } from './limits.js';
import { MessageStore } from './messages.js';
import { People, type SendFileSpec } from './people.js';
import { createApiServer } from './server.js';
import type { State, Stats } from './state.js';
import { type NewUpdate, type PollConflictPolicy, UpdateQueue } from './updates.js';
import { Webhook } from './webhook.js';

export type { CallRecord, WaitOptions } from './calls.js';
export type { ChannelSpec, MemberStatus, UserSpec } from './chats.js';
export type { ApiErrorBody } from './errors.js';
export type { CreateFileSpec, StoredFile, ThumbnailCheck } from './files.js';
export type { SendFileSpec } from './people.js';
export type { Stats } from './state.js';

const MB = 1024 * 1024;

/** Options of Emulator.start. */
export interface EmulatorOptions {
  /** Default: a random `<id>:<secret>`; the bot's id is the number before ':'. */
  token?: string;
  /** Default 'PrimeLingoBot'. */
  botUsername?: string;
  /** Local telegram-bot-api limits: download unlimited (absolute file_path), upload 2000 MB. */
  localMode?: boolean;
  /** Messages/second for the whole bot (burst = rate). Default 30; null disables. */
  globalRate?: number | null;
  /** Messages/second per chat. Default 1; null disables. */
  perChatRate?: number | null;
  /** Short bursts tolerated per chat. Default 3. */
  perChatBurst?: number;
  /** Messages/second with allow_paid_broadcast. Default 1000; null disables. */
  paidRate?: number | null;
  /** Where file bytes live. Default: a fresh temp dir, removed on stop(). */
  filesDir?: string;
  /** Test-only override of the upload limit (50 MB, or 2000 MB in local mode). */
  uploadLimitBytes?: number;
  /** Test-only override of the getFile limit (20 MB; none in local mode). */
  downloadLimitBytes?: number;
  /** Default 0: a random free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /**
   * A getUpdates arriving while another is held: 'terminate-old' (default, as
   * telegram-bot-api does) answers the held one 409 and serves the newcomer; 'reject-new'
   * answers the newcomer 409 (after a 150 ms grace for a poll that is just disconnecting).
   */
  pollConflict?: PollConflictPolicy;
}

/** Limits that can change at run time. */
export type LimitChanges = Partial<
  Pick<RateLimits, 'globalRate' | 'perChatRate' | 'perChatBurst' | 'paidRate'>
>;

/**
 * A Telegram Bot API server for tests: the real bot process talks to `apiRoot` over HTTP;
 * the test plays the users (user, sendText, pressButton...), watches the calls (calls,
 * waitForCall, messages) and injects faults (fail, latency, hang, drop, outage, restarting).
 */
export class Emulator {
  readonly apiRoot: string;
  readonly token: string;
  readonly bot: UserFromGetMe;
  readonly stats: Stats;

  private constructor(
    private readonly server: Server,
    private readonly state: State,
    private readonly log: CallLog,
    private readonly faults: Faults,
    private readonly people: People,
    private readonly ownedDir: string | undefined,
  ) {
    const { address, port } = server.address() as AddressInfo;
    const host = address.includes(':') ? `[${address}]` : address;
    this.apiRoot = `http://${host}:${port}`;
    this.token = state.config.token;
    this.bot = state.bot;
    this.stats = state.stats;
  }

  /** Starts the server on a free port (or options.port). */
  static async start(options: EmulatorOptions = {}): Promise<Emulator> {
    const token =
      options.token ?? `${randomInt(1e9, 9e9)}:AA${randomBytes(24).toString('base64url')}`;
    const botId = Number(token.split(':')[0]);
    if (!Number.isSafeInteger(botId)) throw new Error(`emulator: bad token ${token}`);
    const ownedDir = options.filesDir ? undefined : mkdtempSync(join(tmpdir(), 'tg-emulator-'));
    const filesDir = options.filesDir ?? (ownedDir as string);
    const uploadDir = join(filesDir, 'uploads');
    mkdirSync(uploadDir, { recursive: true });
    const localMode = options.localMode ?? false;
    const bot: UserFromGetMe = {
      id: botId,
      is_bot: true,
      first_name: 'PrimeLingo',
      username: options.botUsername ?? 'PrimeLingoBot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: true,
      can_connect_to_business: false,
      has_main_web_app: false,
    } as UserFromGetMe;
    const updates = new UpdateQueue(options.pollConflict);
    const state: State = {
      config: {
        token,
        localMode,
        uploadLimitBytes: options.uploadLimitBytes ?? (localMode ? 2000 : 50) * MB,
        downloadLimitBytes: options.downloadLimitBytes ?? 20 * MB,
        filesDir,
        uploadDir,
      },
      bot,
      chats: new Chats({
        id: botId,
        is_bot: true,
        first_name: bot.first_name,
        username: bot.username,
      }),
      messages: new MessageStore(),
      files: new FileStore(filesDir),
      updates,
      limiter: new RateLimiter({
        globalRate: options.globalRate === undefined ? 30 : options.globalRate,
        perChatRate: options.perChatRate === undefined ? 1 : options.perChatRate,
        perChatBurst: options.perChatBurst ?? 3,
        paidRate: options.paidRate === undefined ? 1000 : options.paidRate,
      }),
      webhook: new Webhook(updates, localMode),
      stats: { tooManyRequests: 0, calls: 0, uploads: 0, uploadedBytes: 0, downloadedBytes: 0 },
      clock: new Clock(),
      openQueries: new Map(),
      inlineAnswers: new Map(),
      commands: new Map(),
      settings: new Map(),
    };
    const log = new CallLog();
    const faults = new Faults();
    const server = createApiServer({ state, log, faults });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
    });
    return new Emulator(server, state, log, faults, new People(state), ownedDir);
  }

  /** Closes every connection (held polls included) and removes the temp files dir. */
  async stop(): Promise<void> {
    this.state.webhook.stop();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    if (this.ownedDir) await rm(this.ownedDir, { recursive: true, force: true });
  }

  // --- people and chats

  /** A user (private chat id = user id); ids count up from 1000. */
  user(spec: UserSpec = {}): User {
    return this.state.chats.addUser(spec);
  }

  /**
   * The user blocks the bot: a my_chat_member update (none with `{ notify: false }`: the bot
   * missed it); sends answer 403 until unblocked.
   */
  blockBot(user: User, { notify = true }: { notify?: boolean } = {}): Update | undefined {
    return this.people.setBlocked(user, true, notify);
  }

  /** The user unblocks the bot (my_chat_member kicked -> member). */
  unblockBot(user: User): Update | undefined {
    return this.people.setBlocked(user, false);
  }

  /** The account is deleted: sends answer 403 'Forbidden: user is deactivated'. */
  deactivate(user: User): void {
    this.state.chats.userState(user.id).deactivated = true;
  }

  /** A channel; the bot is its administrator. */
  channel(spec: ChannelSpec = {}): Chat.ChannelChat {
    return this.state.chats.addChannel(spec);
  }

  /** Sets a member's status in a channel (unknown pairs are 'left'). */
  setMember(channelId: number, userId: number, status: MemberStatus): void {
    const channel = this.state.chats.channelState(channelId);
    if (userId !== this.bot.id && !this.state.chats.users.has(userId)) {
      this.state.chats.addUser({ id: userId });
    }
    channel.members.set(userId, status);
    if (status !== 'left' && status !== 'kicked') channel.pendingJoins.delete(userId);
  }

  // --- pushing updates

  /** A plain text message from the user. */
  sendText(user: User, text: string): Update {
    return this.people.text(user, text);
  }

  /** A command message ('/start f_12'), with its bot_command entity at offset 0. */
  sendCommand(user: User, command: string): Update {
    if (!command.startsWith('/')) throw new Error(`emulator: not a command: ${command}`);
    return this.people.text(user, command);
  }

  /** A document/audio/video/photo from the user; the file is created in the store. */
  sendFile(user: User, spec: SendFileSpec): Update {
    return this.people.file(user, spec);
  }

  /** A callback_query for a button of a message the bot sent. */
  pressButton(user: User, message: Message, data: string): Update {
    return this.people.pressButton(user, message, data);
  }

  /** An inline_query update. */
  inlineQuery(user: User, query: string, offset = ''): Update {
    return this.people.inlineQuery(user, query, offset);
  }

  /**
   * The user picks one of the results the bot answered `inlineQuery` with: a
   * chosen_inline_result update (the real server sends it only to bots whose inline
   * feedback is on in @BotFather). Throws if the bot never offered that result.
   */
  chooseInlineResult(user: User, inlineQuery: Update, resultId: string): Update {
    return this.people.chooseInlineResult(user, inlineQuery, resultId);
  }

  /**
   * Moves the server's clock forward: callback and inline queries older than
   * QUERY_LIFETIME_MS can no longer be answered, and private messages older than 48 hours
   * can no longer be deleted, as on the real server.
   */
  advanceClock(ms: number): void {
    this.state.clock.advance(ms);
  }

  /** A chat_join_request update for the channel. */
  joinRequest(user: User, channelId: number): Update {
    return this.people.joinRequest(user, channelId);
  }

  /**
   * A channel admin approves (a chat_member update, left -> member) or declines (no update,
   * as in Telegram) the user's pending join request.
   */
  settleJoinRequest(user: User, channelId: number, approve: boolean): Update | undefined {
    return this.people.settleJoinRequest(user, channelId, approve);
  }

  /** Queues any update; update_id is assigned. */
  pushUpdate(update: NewUpdate): Update {
    return this.state.updates.push(update);
  }

  /**
   * Queues any object as an update, as it is (update_id assigned), and delivers it whatever
   * allowed_updates says: malformed and unknown updates for fuzz tests. The real server sends
   * only well-formed updates of the types asked for; a newer one may add fields and types.
   */
  pushRawUpdate(update: Record<string, unknown>): Update {
    return this.state.updates.push(update as NewUpdate, { raw: true });
  }

  /** Stores a file without sending it; returns its File object. */
  createFile(spec: CreateFileSpec): File {
    const file = this.state.files.create(spec);
    return {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_size: file.file_size,
    };
  }

  // --- observing the bot

  /** Every API call the bot made, in the order they were answered. */
  get calls(): CallRecord[] {
    return this.log.calls;
  }

  /** A cursor for waitForCall: the number of calls so far. */
  mark(): number {
    return this.log.calls.length;
  }

  /** The first call of `method` (index >= after) matching the predicate, past or future. */
  waitForCall(
    method: string,
    predicate?: (call: CallRecord) => boolean,
    options?: WaitOptions,
  ): Promise<CallRecord> {
    return this.log.waitFor(method, predicate, options);
  }

  /** The bot's messages now in the chat (edits applied, deleted ones gone). */
  messages(chatId: number): Message[] {
    return this.state.messages.botMessages(chatId);
  }

  /** Stored metadata of a file: disk path, size, name, MIME type, thumbnail check. */
  fileInfo(fileId: string): StoredFile | undefined {
    return this.state.files.get(fileId);
  }

  /** getUpdates requests currently held. */
  get pollers(): number {
    return this.state.updates.pollers;
  }

  /** Messages the bot delivered to the chat (sends, copies, forwards), deleted ones included. */
  deliveredCount(chatId: number): number {
    return this.state.messages.deliveredCount(chatId);
  }

  // --- faults and limits

  /** The next `times` calls of `method` answer this error. */
  fail(method: string, error: ApiErrorBody, times = 1): void {
    this.faults.fail(method, error, times);
  }

  /** Delay answers of one method, or of all (clearing per-method delays; 0 removes all). */
  latency(ms: Delay, method?: string): void {
    this.faults.latency(ms, method);
  }

  /** The next `times` calls of `method` are never answered. */
  hang(method: string, times = 1): void {
    this.faults.hang(method, times);
  }

  /**
   * The next `times` calls of `method` are carried out, then their connection is closed
   * without an answer (recorded with `dropped`).
   */
  drop(method: string, times = 1): void {
    this.faults.drop(method, times);
  }

  /**
   * Starts (true) or ends (false) an outage: every request, file downloads and getUpdates
   * included, is accepted and never answered. Requests held when it ends stay unanswered
   * until their client gives up.
   */
  outage(on: boolean): void {
    this.faults.outage(on);
  }

  /** Every call answers 429 'retry after N' for this many seconds. */
  restarting(seconds: number): void {
    this.faults.restarting(seconds);
  }

  /** The flood limits in force. */
  get limits(): Readonly<RateLimits> {
    return this.state.limiter.current;
  }

  /** Changes flood limits at run time (buckets start full again). */
  setLimits(changes: LimitChanges): void {
    this.state.limiter.set(changes);
  }
}
