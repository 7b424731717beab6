import type { Api } from 'grammy';
import type { Db } from '../db/database.js';
import { hasJoinRequest, removeJoinRequest } from '../db/join-requests.js';
import type { Logger } from '../logger.js';

/** A channel users must join, as resolved from FORCE_SUB_CHANNELS. */
export interface Channel {
  id: number;
  title: string;
  /** Where the join button points; absent if the channel has neither username nor invite link. */
  url: string | undefined;
}

const JOINED_TTL_MS = 5 * 60_000;
const NOT_JOINED_TTL_MS = 30_000;
const UNRESOLVED_RETRY_MS = 60_000;
const CACHE_LIMIT = 50_000;
const JOINED = new Set(['creator', 'administrator', 'member']);

/**
 * Answers whether a user has joined the required channels, through getChatMember with a
 * short cache. A pending join request counts as joined. A channel the bot cannot check
 * (not an admin there, deleted) does not lock users out: it is logged and let through.
 */
export class Subscriptions {
  private readonly channels = new Map<number | string, Promise<Channel | undefined>>();
  private readonly cache = new Map<string, { joined: boolean; until: number }>();

  constructor(
    private readonly api: Api,
    private readonly db: Db,
    /** The channels in force now: an admin can change them while the bot runs. */
    private readonly refs: () => readonly (number | string)[],
    private readonly logger: Logger,
  ) {}

  get enabled(): boolean {
    return this.refs().length > 0;
  }

  /** The channels the user still has to join; `fresh` skips the cache ("check again"). */
  async missing(userId: number, fresh = false): Promise<Channel[]> {
    const missing: Channel[] = [];
    for (const ref of this.refs()) {
      const channel = await this.resolve(ref);
      if (channel && !(await this.joined(channel, userId, fresh))) missing.push(channel);
    }
    return missing;
  }

  /** Whether a chat is one of the channels users must join. */
  async requires(chatId: number): Promise<boolean> {
    for (const ref of this.refs()) {
      if ((await this.resolve(ref))?.id === chatId) return true;
    }
    return false;
  }

  /** Drops what is cached about the user and a channel (a join request just arrived). */
  forget(chatId: number, userId: number): void {
    this.cache.delete(`${chatId}:${userId}`);
  }

  private async joined(channel: Channel, userId: number, fresh: boolean): Promise<boolean> {
    const key = `${channel.id}:${userId}`;
    const cached = this.cache.get(key);
    if (!fresh && cached && cached.until > Date.now()) return cached.joined;
    const joined = await this.check(channel, userId);
    this.remember(key, joined);
    return joined;
  }

  private async check(channel: Channel, userId: number): Promise<boolean> {
    let status: string;
    try {
      const member = await this.api.getChatMember(channel.id, userId);
      status = member.status === 'restricted' && member.is_member ? 'member' : member.status;
    } catch (error) {
      this.logger.warn({ err: error, channel: channel.id }, 'cannot check channel membership');
      return true;
    }
    // A request stands in for membership only while it is pending: once the user is in,
    // or was removed, it is settled.
    if (JOINED.has(status) || status === 'kicked') {
      await removeJoinRequest(this.db, channel.id, userId);
      return status !== 'kicked';
    }
    return hasJoinRequest(this.db, channel.id, userId);
  }

  private remember(key: string, joined: boolean): void {
    // A Map keeps insertion order: past the limit, the oldest entries go first.
    this.cache.delete(key);
    for (const oldest of this.cache.keys()) {
      if (this.cache.size < CACHE_LIMIT) break;
      this.cache.delete(oldest);
    }
    const ttl = joined ? JOINED_TTL_MS : NOT_JOINED_TTL_MS;
    this.cache.set(key, { joined, until: Date.now() + ttl });
  }

  /** getChat once per channel; a failure is logged and retried a minute later. */
  private resolve(ref: number | string): Promise<Channel | undefined> {
    let channel = this.channels.get(ref);
    if (!channel) {
      channel = this.api.getChat(ref).then(
        (chat) => ({
          id: chat.id,
          title: 'title' in chat && chat.title ? chat.title : String(ref),
          url:
            'username' in chat && chat.username
              ? `https://t.me/${chat.username}`
              : chat.invite_link,
        }),
        (error: unknown) => {
          this.logger.warn(
            { err: error, channel: ref },
            'cannot resolve a force-subscribe channel',
          );
          setTimeout(() => this.channels.delete(ref), UNRESOLVED_RETRY_MS).unref();
          return undefined;
        },
      );
      this.channels.set(ref, channel);
    }
    return channel;
  }
}
