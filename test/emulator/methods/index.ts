import type { Handler } from '../state.js';
import { botMethods } from './bot.js';
import { chatMethods } from './chat.js';
import { copyMethods } from './copy.js';
import { editMethods } from './edit.js';
import { fileMethods } from './files.js';
import { pollingMethods } from './polling.js';
import { queryMethods } from './queries.js';
import { sendMethods } from './send.js';

/** A method as registered: its canonical name and handler. */
export interface MethodEntry {
  name: string;
  handler: Handler;
}

/** Every supported method by lower-cased name (the server matches names case-insensitively). */
export const methods: ReadonlyMap<string, MethodEntry> = new Map(
  Object.entries({
    ...botMethods,
    ...pollingMethods,
    ...sendMethods,
    ...copyMethods,
    ...editMethods,
    ...queryMethods,
    ...chatMethods,
    ...fileMethods,
  }).map(([name, handler]) => [name.toLowerCase(), { name, handler }]),
);
