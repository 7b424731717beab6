import { isAbsolute } from 'node:path';
import type { BotApiAccess } from '../src/library/worker-messages.js';

/**
 * Where the bytes of a getFile answer are: on this machine's disk for a `--local` server
 * (which stores files there and does not serve them over HTTP), else at the file URL.
 */
export function fileSource(
  access: BotApiAccess,
  filePath: string,
): { path: string } | { url: string } {
  if (access.localBotApi && isAbsolute(filePath)) return { path: filePath };
  return { url: `${access.apiRoot}/file/bot${access.token}/${encodeURI(filePath)}` };
}
