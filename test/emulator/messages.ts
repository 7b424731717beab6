import type { Message } from 'grammy/types';

interface StoredMessage {
  message: Message;
  byBot: boolean;
}

/**
 * Messages per chat. Ids are per chat, increasing, and shared by the messages users push
 * and the bot sends, as in a real private chat.
 */
export class MessageStore {
  private readonly chats = new Map<number, Map<number, StoredMessage>>();
  private readonly counters = new Map<number, number>();
  private readonly delivered = new Map<number, number>();

  /** The next message id in this chat. */
  nextId(chatId: number): number {
    const id = (this.counters.get(chatId) ?? 0) + 1;
    this.counters.set(chatId, id);
    return id;
  }

  /** Stores a message under its chat and id. */
  add(message: Message, byBot: boolean): Message {
    let chat = this.chats.get(message.chat.id);
    if (!chat) {
      chat = new Map();
      this.chats.set(message.chat.id, chat);
    }
    chat.set(message.message_id, { message, byBot });
    if (byBot) this.delivered.set(message.chat.id, this.deliveredCount(message.chat.id) + 1);
    return message;
  }

  /** A message still in the chat, if any. */
  get(chatId: number, messageId: number): StoredMessage | undefined {
    return this.chats.get(chatId)?.get(messageId);
  }

  /** Removes a message; false if it was not there. */
  delete(chatId: number, messageId: number): boolean {
    return this.chats.get(chatId)?.delete(messageId) ?? false;
  }

  /** The bot's messages currently in the chat, oldest first, as copies. */
  botMessages(chatId: number): Message[] {
    const chat = this.chats.get(chatId);
    if (!chat) return [];
    return [...chat.values()]
      .filter((stored) => stored.byBot)
      .sort((a, b) => a.message.message_id - b.message.message_id)
      .map((stored) => structuredClone(stored.message));
  }

  /** How many messages the bot delivered to the chat (deleted ones included). */
  deliveredCount(chatId: number): number {
    return this.delivered.get(chatId) ?? 0;
  }
}
