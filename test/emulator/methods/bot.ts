import type { BotCommand } from 'grammy/types';
import { badRequest } from '../errors.js';
import { optJson, optStr, type Params } from '../params.js';
import type { Handler } from '../state.js';

function commandsKey(params: Params): string {
  const scope = optJson<{ type: string }>(params, 'scope') ?? { type: 'default' };
  return `${JSON.stringify(scope)}|${optStr(params, 'language_code') ?? ''}`;
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
  ctx.state.commands.set(commandsKey(ctx.params), commands);
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
  getMyCommands: (ctx) => ctx.state.commands.get(commandsKey(ctx.params)) ?? [],
  deleteMyCommands: (ctx) => {
    ctx.state.commands.delete(commandsKey(ctx.params));
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
