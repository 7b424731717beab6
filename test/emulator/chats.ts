import { randomBytes } from 'node:crypto';
import type { Chat, ChatMember, User } from 'grammy/types';
import { badRequest, forbidden } from './errors.js';

/** A member status, as getChatMember reports it. */
export type MemberStatus =
  | 'creator'
  | 'administrator'
  | 'member'
  | 'restricted'
  | 'left'
  | 'kicked';

/** Options of Emulator.user. */
export interface UserSpec {
  id?: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
  /**
   * The user opened the chat with the bot (pressed Start) before the test began. Default
   * false: the bot cannot write to them until they write to it, as on the real server.
   */
  started?: boolean;
}

/** Options of Emulator.channel. */
export interface ChannelSpec {
  id?: number;
  username?: string;
  title?: string;
  inviteLink?: string;
}

/** A person using the bot. */
export interface UserState {
  user: User;
  /** The user has written to the bot at least once, so the bot may write to them. */
  started: boolean;
  blocked: boolean;
  deactivated: boolean;
}

/** A channel with its members and pending join requests. */
export interface ChannelState {
  chat: Chat.ChannelChat;
  inviteLink: string;
  members: Map<number, MemberStatus>;
  pendingJoins: Set<number>;
}

/** A chat the bot addresses: a user's private chat or a channel. */
export type Target =
  | { kind: 'private'; chat: Chat.PrivateChat; user: UserState }
  | { kind: 'channel'; chat: Chat.ChannelChat; channel: ChannelState };

const WRITERS = new Set<MemberStatus>(['creator', 'administrator']);

/** The people and channels the emulated server knows. */
export class Chats {
  readonly users = new Map<number, UserState>();
  readonly channels = new Map<number, ChannelState>();
  private nextUserId = 1000;
  private nextChannelId = -1001000000001;

  /** `bot` is the plain User (as in message.from), not the getMe object. */
  constructor(readonly bot: User) {}

  /** Creates (or replaces) a user; ids count up from 1000 unless given. */
  addUser(spec: UserSpec = {}): User {
    let id = spec.id;
    if (id === undefined) {
      while (this.users.has(this.nextUserId)) this.nextUserId++;
      id = this.nextUserId++;
    }
    const user: User = { id, is_bot: false, first_name: spec.first_name ?? `User ${id}` };
    if (spec.last_name !== undefined) user.last_name = spec.last_name;
    if (spec.username !== undefined) user.username = spec.username;
    if (spec.language_code !== undefined) user.language_code = spec.language_code;
    this.users.set(id, {
      user,
      started: spec.started ?? false,
      blocked: false,
      deactivated: false,
    });
    return user;
  }

  /** Creates a channel; the bot is its administrator so it may post and read members. */
  addChannel(spec: ChannelSpec = {}): Chat.ChannelChat {
    let id = spec.id;
    if (id === undefined) {
      while (this.channels.has(this.nextChannelId)) this.nextChannelId--;
      id = this.nextChannelId--;
    }
    const chat: Chat.ChannelChat = { id, type: 'channel', title: spec.title ?? `Channel ${id}` };
    if (spec.username !== undefined) chat.username = spec.username.replace(/^@/, '');
    const inviteLink = spec.inviteLink ?? `https://t.me/+${randomBytes(12).toString('base64url')}`;
    const members = new Map<number, MemberStatus>([[this.bot.id, 'administrator']]);
    this.channels.set(id, { chat, inviteLink, members, pendingJoins: new Set() });
    return chat;
  }

  /** The user with this id, or an Error naming the mistake in the test. */
  userState(id: number): UserState {
    const state = this.users.get(id);
    if (!state) throw new Error(`emulator: unknown user ${id}; create it with emu.user()`);
    return state;
  }

  /** The channel with this id, or an Error naming the mistake in the test. */
  channelState(id: number): ChannelState {
    const state = this.channels.get(id);
    if (!state) throw new Error(`emulator: unknown channel ${id}; create it with emu.channel()`);
    return state;
  }

  /** Resolves a chat_id (number or @username) or answers 400 chat not found. */
  resolve(chatId: number | string): Target {
    if (typeof chatId === 'string') {
      const name = chatId.replace(/^@/, '').toLowerCase();
      for (const channel of this.channels.values()) {
        if (channel.chat.username?.toLowerCase() === name) {
          return { kind: 'channel', chat: channel.chat, channel };
        }
      }
      throw badRequest('chat not found');
    }
    const user = this.users.get(chatId);
    if (user) return { kind: 'private', chat: privateChat(user.user), user };
    const channel = this.channels.get(chatId);
    if (channel) return { kind: 'channel', chat: channel.chat, channel };
    throw badRequest('chat not found');
  }

  /** Like resolve, plus the checks the server makes before delivering to a chat. */
  resolveWritable(chatId: number | string): Target {
    if (chatId === this.bot.id) throw forbidden("bots can't send messages to bots");
    const target = this.resolve(chatId);
    if (target.kind === 'private') {
      if (target.user.deactivated) throw forbidden('user is deactivated');
      if (target.user.blocked) throw forbidden('bot was blocked by the user');
      if (!target.user.started) throw forbidden("bot can't initiate conversation with a user");
    } else if (!WRITERS.has(this.status(target.chat.id, this.bot.id))) {
      throw forbidden('bot is not a member of the channel chat');
    }
    return target;
  }

  /** A member's status; unknown pairs are 'left'. */
  status(channelId: number, userId: number): MemberStatus {
    return this.channels.get(channelId)?.members.get(userId) ?? 'left';
  }

  /** The ChatMember object getChatMember answers. */
  member(channelId: number, user: User): ChatMember {
    return chatMember(this.status(channelId, user.id), user);
  }
}

/** The private chat with a user. */
export function privateChat(user: User): Chat.PrivateChat {
  const chat: Chat.PrivateChat = { id: user.id, type: 'private', first_name: user.first_name };
  if (user.last_name !== undefined) chat.last_name = user.last_name;
  if (user.username !== undefined) chat.username = user.username;
  return chat;
}

/** A ChatMember of the given status with the fields the server fills in. */
export function chatMember(status: MemberStatus, user: User): ChatMember {
  switch (status) {
    case 'creator':
      return { status, user, is_anonymous: false };
    case 'administrator':
      return {
        status,
        user,
        can_be_edited: false,
        is_anonymous: false,
        can_manage_chat: true,
        can_delete_messages: true,
        can_manage_video_chats: true,
        can_restrict_members: true,
        can_promote_members: false,
        can_change_info: true,
        can_invite_users: true,
        can_post_stories: true,
        can_edit_stories: true,
        can_delete_stories: true,
        can_post_messages: true,
        can_edit_messages: true,
        can_send_welcome_messages: false,
      };
    case 'restricted':
      return {
        status,
        user,
        is_member: true,
        can_send_messages: false,
        can_send_audios: false,
        can_send_documents: false,
        can_send_photos: false,
        can_send_videos: false,
        can_send_video_notes: false,
        can_send_voice_notes: false,
        can_send_polls: false,
        can_send_other_messages: false,
        can_add_web_page_previews: false,
        can_react_to_messages: false,
        can_change_info: false,
        can_invite_users: false,
        can_edit_tag: false,
        can_pin_messages: false,
        can_manage_topics: false,
        until_date: 0,
      };
    case 'kicked':
      return { status, user, until_date: 0 };
    default:
      return { status, user };
  }
}
