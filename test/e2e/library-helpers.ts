import type { InlineKeyboardButton, Message, User } from 'grammy/types';
import type { Db } from '../../src/db/database.js';
import { addFile, setProcessedFile } from '../../src/db/files.js';
import type { LibraryFile } from '../../src/db/schema.js';
import type { CallRecord, Emulator } from '../emulator/index.js';
import { type Expected, saying } from './harness.js';

/** A file to put in the library for a test, as the upload dialog would have. */
export interface TestFile {
  title: string;
  tags?: string[];
  type?: LibraryFile['type'];
  /** The original's name; default `upload` with the type's usual extension. */
  fileName?: string;
  /** Bytes of the original; default 2048. */
  size?: number;
  /** Default true: a processed copy named `<title><ext>` is made in the emulator. */
  processed?: boolean;
  addedBy?: number;
}

const EXTENSIONS = { document: '.pdf', audio: '.mp3', video: '.mp4' } as const;

/**
 * Creates the file (and its processed copy) in the emulator and the row in the bot's
 * database, the way the upload dialog and processing leave them.
 */
export async function addTestFile(emu: Emulator, db: Db, spec: TestFile): Promise<LibraryFile> {
  const type = spec.type ?? 'document';
  const ext = EXTENSIONS[type];
  const size = spec.size ?? 2048;
  const fileName = spec.fileName ?? `upload${ext}`;
  const original = emu.createFile({ kind: type, fileName, size });
  const row = await addFile(db, {
    file_id: original.file_id,
    file_unique_id: original.file_unique_id,
    file_name: fileName,
    mime_type: null,
    title: spec.title,
    type,
    size,
    tags: spec.tags ?? [],
    added_by: spec.addedBy ?? null,
  });
  if (spec.processed === false) return row;
  const copy = emu.createFile({ kind: type, fileName: `${spec.title}${ext}`, size });
  const processed = {
    fileId: copy.file_id,
    fileUniqueId: copy.file_unique_id,
    kind: type,
    thumbnailFileId: undefined,
  };
  await setProcessedFile(db, row.id, processed);
  return {
    ...row,
    processed_file_id: copy.file_id,
    processed_file_unique_id: copy.file_unique_id,
    processed_type: type,
  };
}

/** The inline buttons of a sent message (or of the call that sent it), row by row flattened. */
export function buttonsOf(source: CallRecord | Message | undefined): InlineKeyboardButton[] {
  const markup =
    source && 'method' in source
      ? (source.params.reply_markup as { inline_keyboard?: InlineKeyboardButton[][] } | undefined)
      : source?.reply_markup;
  return markup?.inline_keyboard?.flat() ?? [];
}

/** The callback_data of a button, by its text (exact or a pattern). */
export function dataOf(source: CallRecord | Message | undefined, text: string | RegExp): string {
  const button = buttonsOf(source).find((b) =>
    typeof text === 'string' ? b.text === text : text.test(b.text),
  );
  if (!button || !('callback_data' in button) || !button.callback_data) {
    const texts = buttonsOf(source).map((b) => b.text);
    throw new Error(`no button ${text} among ${JSON.stringify(texts)}`);
  }
  return button.callback_data;
}

/** The message a sendMessage/sendDocument call delivered. */
export function sentMessage(call: CallRecord): Message {
  if (!call.ok || !call.result?.message_id) throw new Error(`${call.method} did not deliver`);
  return call.result as unknown as Message;
}

/** The message a call sent, as the user's chat shows it now; throws if it is gone. */
export function shownMessage(emu: Emulator, user: User, call: CallRecord): Message {
  const message = emu.messages(user.id).find((m) => m.message_id === call.result?.message_id);
  if (!message) throw new Error(`message ${call.result?.message_id} is not in the chat`);
  return message;
}

/** What pressAndWait waits for besides the method. */
export interface PressOptions {
  /**
   * What the call must say (see harness `saying`); required for texts (sendMessage,
   * editMessageText), which other steps or jobs may send too. Files need none.
   */
  expected?: Expected;
  /** Default 8000. */
  timeoutMs?: number;
}

const TEXT_METHODS = new Set(['sendMessage', 'editMessageText']);

/**
 * Presses a button and resolves with the first successful call of `method` to the user's
 * chat from then on that says what is expected (a call Telegram refused with 429 is retried
 * by the bot; the retry is the one wanted). answerCallbackQuery is this press's answer.
 */
export async function pressAndWait(
  emu: Emulator,
  user: User,
  message: Message,
  data: string,
  method: string,
  { expected, timeoutMs = 8000 }: PressOptions = {},
): Promise<CallRecord> {
  if (TEXT_METHODS.has(method) && expected === undefined) {
    throw new Error(`pressAndWait(${method}): say which reply is expected`);
  }
  const mark = emu.mark();
  const update = emu.pressButton(user, message, data);
  const mine =
    method === 'answerCallbackQuery'
      ? (call: CallRecord) => call.params.callback_query_id === update.callback_query?.id
      : saying(user.id, expected ?? (() => true));
  return emu.waitForCall(method, mine, { after: mark, timeoutMs });
}

/**
 * Opens a file's card with the deep link `/start f_<id>`; resolves with the card (a message
 * with the file's download button), or with the reply that is `expected` instead.
 */
export async function openCard(
  emu: Emulator,
  user: User,
  fileId: number,
  expected: Expected = (call) =>
    buttonsOf(call).some((b) => 'callback_data' in b && b.callback_data === `dl:${fileId}`),
): Promise<CallRecord> {
  const mark = emu.mark();
  emu.sendCommand(user, `/start f_${fileId}`);
  return emu.waitForCall('sendMessage', saying(user.id, expected), {
    after: mark,
    timeoutMs: 8000,
  });
}
