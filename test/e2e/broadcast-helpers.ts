import type { User } from 'grammy/types';
import type { World } from './harness.js';
import { shownMessage } from './library-helpers.js';

export type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };

/** Waits for the confirmation asked after `mark` and presses Send; resolves with the id. */
export async function pressSend(world: World, admin: User, mark: number): Promise<number> {
  const { emu } = world;
  const confirm = await emu.waitForCall(
    'sendMessage',
    (c) => c.ok && String(c.params.text).startsWith('📣 This message'),
    { after: mark },
  );
  const message = shownMessage(emu, admin, confirm);
  const data =
    (confirm.params.reply_markup as Keyboard).inline_keyboard[0]?.[0]?.callback_data ?? '';
  emu.pressButton(admin, message, data);
  return Number(data.split(':')[1]);
}

export const report = (world: World, id: number, after: number) =>
  world.emu.waitForCall(
    'editMessageText',
    (c) =>
      c.ok && new RegExp(`^📣 Broadcast #${id} (finished|stopped)`).test(String(c.params.text)),
    { after, timeoutMs: 60_000 },
  );
