/** Callback data of the bot's buttons: a short prefix, then the argument. */
export const CHECK_SUBSCRIPTION = 'sub:check';

export const LANGUAGE_PREFIX = 'lang:';
export const languageData = (code: string) => `${LANGUAGE_PREFIX}${code}`;

// The library's buttons carry a file's id (files.id) or a results page and a short key
// (see features/search.ts): a few bytes, far inside Telegram's 64.
export const FILE_PREFIX = 'file:';
export const fileData = (id: number) => `${FILE_PREFIX}${id}`;
export const DOWNLOAD_PREFIX = 'dl:';
export const downloadData = (id: number) => `${DOWNLOAD_PREFIX}${id}`;
export const DELETE_PREFIX = 'del:';
export const deleteData = (id: number) => `${DELETE_PREFIX}${id}`;
export const DELETE_YES_PREFIX = 'del-yes:';
export const deleteYesData = (id: number) => `${DELETE_YES_PREFIX}${id}`;
export const DELETE_NO_PREFIX = 'del-no:';
export const deleteNoData = (id: number) => `${DELETE_NO_PREFIX}${id}`;
export const PAGE_PREFIX = 'page:';
export const pageData = (page: number, key: string) => `${PAGE_PREFIX}${page}:${key}`;

// Broadcasts: confirm or drop a draft, stop one that is being sent.
export const BROADCAST_SEND_PREFIX = 'bc-send:';
export const broadcastSendData = (id: number) => `${BROADCAST_SEND_PREFIX}${id}`;
export const BROADCAST_DROP_PREFIX = 'bc-drop:';
export const broadcastDropData = (id: number) => `${BROADCAST_DROP_PREFIX}${id}`;
export const BROADCAST_STOP_PREFIX = 'bc-stop:';
export const broadcastStopData = (id: number) => `${BROADCAST_STOP_PREFIX}${id}`;
