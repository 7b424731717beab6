import { createHash, randomBytes } from 'node:crypto';
import type { ChatMember, Message, MessageEntity, Update, User } from 'grammy/types';
import { chatMember, privateChat } from './chats.js';
import type { CreateFileSpec } from './files.js';
import { mediaFields } from './media.js';
import type { State } from './state.js';
import type { NewUpdate } from './updates.js';

/** Options of Emulator.sendFile: a new file, or `fileId` to resend a stored one. */
export interface SendFileSpec extends CreateFileSpec {
  caption?: string;
  fileId?: string;
}

const now = () => Math.floor(Date.now() / 1000);

/**
 * What users do, turned into updates the way Telegram would deliver them. Ids of user
 * messages come from the same per-chat counter as the bot's.
 */
export class People {
  constructor(private readonly state: State) {}

  /** A message from the user in their private chat with the bot. */
  message(user: User, content: Partial<Message>): Update {
    const { state } = this;
    const userState = state.chats.userState(user.id);
    if (userState.deactivated) throw new Error(`emulator: user ${user.id} is deactivated`);
    // Writing to a bot you blocked means pressing "Restart" first, which unblocks it.
    if (userState.blocked) this.setBlocked(user, false);
    userState.started = true;
    const chat = privateChat(userState.user);
    const message = {
      message_id: state.messages.nextId(chat.id),
      from: userState.user,
      chat,
      date: now(),
      ...content,
    } as Message;
    state.messages.add(message, false);
    return state.updates.push({ message: structuredClone(message) } as NewUpdate);
  }

  /** A text message; `/commands` in it get bot_command entities as clients add them. */
  text(user: User, text: string): Update {
    const entities = commandEntities(text);
    return this.message(user, entities.length > 0 ? { text, entities } : { text });
  }

  /** A file message; the file is created in the store unless `fileId` names a stored one. */
  file(user: User, spec: SendFileSpec): Update {
    const stored = spec.fileId ? this.state.files.get(spec.fileId) : this.state.files.create(spec);
    if (!stored) throw new Error(`emulator: unknown file_id ${spec.fileId}`);
    const content = mediaFields(stored.kind, stored);
    if (spec.caption !== undefined) content.caption = spec.caption;
    return this.message(user, content);
  }

  /** A press on an inline button of a message the bot sent. */
  pressButton(user: User, message: Message, data: string): Update {
    const current = this.state.messages.get(message.chat.id, message.message_id)?.message;
    const id = this.openQuery();
    return this.state.updates.push({
      callback_query: {
        id,
        from: this.state.chats.userState(user.id).user,
        message: structuredClone(current ?? message),
        chat_instance: chatInstance(message.chat.id),
        data,
      },
    } as Update);
  }

  /** An inline query typed in any chat. */
  inlineQuery(user: User, query: string, offset = ''): Update {
    const id = this.openQuery();
    return this.state.updates.push({
      inline_query: {
        id,
        from: this.state.chats.userState(user.id).user,
        query,
        offset,
        chat_type: 'sender',
      },
    });
  }

  /** The user picks a result the bot offered for an inline query. */
  chooseInlineResult(user: User, inlineQuery: Update, resultId: string): Update {
    const queryId = inlineQuery.inline_query?.id ?? '';
    if (!this.state.inlineAnswers.get(queryId)?.has(resultId)) {
      throw new Error(`emulator: inline query ${queryId} offered no result ${resultId}`);
    }
    return this.state.updates.push({
      chosen_inline_result: {
        result_id: resultId,
        from: this.state.chats.userState(user.id).user,
        query: inlineQuery.inline_query?.query ?? '',
      },
    });
  }

  /**
   * A channel admin settles the user's join request. Approved, the user becomes a member and
   * the bot, an administrator there, gets a chat_member update (left -> member); declined,
   * no membership changes, so Telegram sends nothing. Undefined when nothing is sent.
   */
  settleJoinRequest(user: User, channelId: number, approve: boolean): Update | undefined {
    const channel = this.state.chats.channelState(channelId);
    if (!channel.pendingJoins.delete(user.id) || !approve) return undefined;
    const member = this.state.chats.userState(user.id).user;
    const old = channel.members.get(user.id) ?? 'left';
    channel.members.set(user.id, 'member');
    return this.state.updates.push({
      chat_member: {
        chat: channel.chat,
        from: this.state.chats.bot,
        date: now(),
        old_chat_member: chatMember(old, member),
        new_chat_member: chatMember('member', member),
        via_join_request: true,
      },
    });
  }

  /** A new callback or inline query id, open for an answer from now. */
  private openQuery(): string {
    const id = randomBytes(8).readBigUInt64BE().toString();
    this.state.openQueries.set(id, this.state.clock.now());
    return id;
  }

  /** A request to join a channel; the user stays 'left' until the bot approves it. */
  joinRequest(user: User, channelId: number): Update {
    const channel = this.state.chats.channelState(channelId);
    const from = this.state.chats.userState(user.id).user;
    channel.pendingJoins.add(user.id);
    return this.state.updates.push({
      chat_join_request: {
        chat: channel.chat,
        from,
        user_chat_id: user.id,
        date: now(),
        invite_link: {
          invite_link: channel.inviteLink,
          creator: this.state.chats.bot,
          creates_join_request: true,
          is_primary: false,
          is_revoked: false,
        },
      },
    });
  }

  /**
   * Blocking or unblocking the bot: a my_chat_member update (unless `notify` is false: the
   * update was lost, as after a bot's long outage), and sends fail meanwhile.
   */
  setBlocked(user: User, blocked: boolean, notify = true): Update | undefined {
    const userState = this.state.chats.userState(user.id);
    if (userState.blocked === blocked) return undefined;
    userState.blocked = blocked;
    if (!notify) return undefined;
    const member = (status: 'member' | 'kicked'): ChatMember =>
      chatMember(status, this.state.chats.bot);
    return this.state.updates.push({
      my_chat_member: {
        chat: privateChat(userState.user),
        from: userState.user,
        date: now(),
        old_chat_member: member(blocked ? 'member' : 'kicked'),
        new_chat_member: member(blocked ? 'kicked' : 'member'),
      },
    });
  }
}

/** bot_command entities for every `/command` that starts the text or follows whitespace. */
export function commandEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  for (const match of text.matchAll(/(^|\s)(\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]+)?)/g)) {
    const command = match[2] ?? '';
    const offset = (match.index ?? 0) + (match[1]?.length ?? 0);
    entities.push({ type: 'bot_command', offset, length: command.length });
  }
  return entities;
}

function chatInstance(chatId: number): string {
  const digest = createHash('sha256').update(String(chatId)).digest();
  return digest.readBigInt64BE().toString();
}
