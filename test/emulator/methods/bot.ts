import type { BotCommand } from 'grammy/types';
import { badRequest } from '../errors.js';
import { chatIdParam, optJson, optStr, type Params } from '../params.js';
import type { Handler, State } from '../state.js';

const CHATLESS_SCOPES = [
  'default',
  'all_private_chats',
  'all_group_chats',
  'all_chat_administrators',
];
const CHAT_SCOPES = ['chat', 'chat_administrators', 'chat_member'];

/** The command list a call addresses: its scope, checked as the real server checks it, and language. */
function commandsKey(state: State, params: Params): string {
  return `${commandScope(state, params)}|${optStr(params, 'language_code') ?? ''}`;
}

/**
 * The scope as a key (`default`, `chat:<id>`...). As telegram-bot-api and tdlib do: a scope
 * of an unknown type or without its fields cannot be parsed; a chat must be one the bot can
 * see (a user who started it); a private chat takes only the `chat` scope, and a channel
 * none.
 */
function commandScope(state: State, params: Params): string {
  const scope = optJson<unknown>(params, 'scope');
  if (scope === undefined) return 'default';
  const unparsable = (why: string) => badRequest(`can't parse BotCommandScope: ${why}`);
  if (typeof scope !== 'object' || scope === null || Array.isArray(scope)) {
    throw unparsable('BotCommandScope must be an Object');
  }
  const fields = scope as Params;
  const type = fields.type;
  if (typeof type !== 'string') throw unparsable(`Can't find field "type"`);
  if (CHATLESS_SCOPES.includes(type)) return type;
  if (!CHAT_SCOPES.includes(type)) throw unparsable('Unsupported type specified');
  if (fields.chat_id === undefined) throw unparsable(`Can't find field "chat_id"`);
  const target = state.chats.resolve(chatIdParam(fields));
  if (target.kind === 'channel') throw badRequest("can't change commands in channel chats");
  if (!target.user.started) throw badRequest('chat not found');
  if (type !== 'chat') throw badRequest("can't use specified scope in private chats");
  return `chat:${target.chat.id}`;
}

const setMyCommands: Handler = (ctx) => {
  const commands = optJson<BotCommand[]>(ctx.params, 'commands');
  if (!Array.isArray(commands)) throw badRequest('commands must be an Array');
  if (commands.length > 100) throw badRequest('BOT_COMMANDS_TOO_MUCH');
  for (const { command, description } of commands) {
    if (typeof command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(command)) {
      throw badRequest('BOT_COMMAND_INVALID');
    }
    if (typeof description !== 'string' || description.length < 1 || description.length > 256) {
      throw badRequest('BOT_COMMAND_DESCRIPTION_INVALID');
    }
  }
  ctx.state.commands.set(commandsKey(ctx.state, ctx.params), commands);
  return true;
};

/** A setting stored by set<Name> and answered by get<Name>. */
function setting(field: string, fallback: unknown): [Handler, Handler] {
  return [
    (ctx) => {
      ctx.state.settings.set(
        `${field}|${optStr(ctx.params, 'language_code') ?? ''}`,
        ctx.params[field],
      );
      return true;
    },
    (ctx) => {
      const value = ctx.state.settings.get(`${field}|${optStr(ctx.params, 'language_code') ?? ''}`);
      return { [field]: value ?? fallback };
    },
  ];
}

const [setMyDescription, getMyDescription] = setting('description', '');
const [setMyShortDescription, getMyShortDescription] = setting('short_description', '');
const [setMyName, getMyName] = setting('name', '');

/** Handlers of getMe and the bot's own settings. */
export const botMethods: Record<string, Handler> = {
  getMe: (ctx) => ctx.state.bot,
  setMyCommands,
  getMyCommands: (ctx) => ctx.state.commands.get(commandsKey(ctx.state, ctx.params)) ?? [],
  deleteMyCommands: (ctx) => {
    ctx.state.commands.delete(commandsKey(ctx.state, ctx.params));
    return true;
  },
  setMyDescription,
  getMyDescription,
  setMyShortDescription,
  getMyShortDescription,
  setMyName,
  getMyName,
  setChatMenuButton: (ctx) => {
    ctx.state.settings.set('menu_button', ctx.params.menu_button);
    return true;
  },
  getChatMenuButton: (ctx) => ctx.state.settings.get('menu_button') ?? { type: 'commands' },
  logOut: () => true,
  close: () => true,
};
