import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { User } from 'grammy/types';
import { Emulator } from './index.js';

/**
 * Runs the emulator by hand: `npx tsx test/emulator/cli.ts --port 8081 --token 123:abc`,
 * then start the bot with TELEGRAM_API_ROOT and BOT_TOKEN as printed. Type as users:
 *   alice: /start          a message from user "alice" (created on first use)
 *   alice press 3 sub:check  alice presses the button with that data on message 3
 * The bot's visible calls are printed as they happen. Ctrl+C stops it.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8081' },
    token: { type: 'string' },
    username: { type: 'string' },
    local: { type: 'boolean', default: false },
  },
});

const emu = await Emulator.start({
  port: Number(values.port),
  token: values.token,
  botUsername: values.username,
  localMode: values.local,
});
console.log(`Telegram Bot API emulator at ${emu.apiRoot}`);
console.log(`TELEGRAM_API_ROOT=${emu.apiRoot} BOT_TOKEN=${emu.token}`);

const users = new Map<string, User>();
const userNamed = (name: string): User => {
  let user = users.get(name);
  if (!user) {
    user = emu.user({ first_name: name, username: name, language_code: 'en' });
    users.set(name, user);
  }
  return user;
};

const input = createInterface({ input: process.stdin });
input.on('line', (line) => {
  const press = /^(\w+) press (\d+) (.+)$/.exec(line.trim());
  const say = /^(\w+):\s?(.*)$/.exec(line);
  try {
    if (press) {
      const [, name = '', id = '', data = ''] = press;
      const user = userNamed(name);
      const message = emu.messages(user.id).find((m) => m.message_id === Number(id));
      if (!message) console.log(`no bot message ${id} in ${name}'s chat`);
      else emu.pressButton(user, message, data);
    } else if (say) {
      emu.sendText(userNamed(say[1] ?? ''), say[2] ?? '');
    } else if (line.trim() !== '') {
      console.log('type "name: text" or "name press <message_id> <data>"');
    }
  } catch (err) {
    console.log(String(err));
  }
});

// Echo what a person in the chat would see: the bot's sends, edits and answers.
let seen = 0;
const echo = setInterval(() => {
  for (const call of emu.calls.slice(seen)) {
    if (call.method === 'getUpdates') continue;
    const { chat_id, text, caption, reply_markup } = call.params;
    const outcome = call.ok ? '' : ` -> ${call.error?.description ?? 'no answer'}`;
    const body = [text, caption, reply_markup && JSON.stringify(reply_markup)].filter(Boolean);
    console.log(`bot ${call.method} ${chat_id ?? ''} ${body.join(' ')}${outcome}`);
  }
  seen = emu.calls.length;
}, 100);

const shutdown = () => {
  clearInterval(echo);
  input.close();
  void emu.stop().then(() => process.exit(0));
};
process.once('SIGINT', shutdown);
process.once('SIGTERM', shutdown);
