import { isAbsolute } from 'node:path';
import { Api } from 'grammy';
import { keepAliveAgent } from '../src/bot/api.js';
import type { BotApiAccess } from '../src/library/worker-messages.js';

/**
 * A Bot API client for one task. Its connections are the task's own: grammY's default agent,
 * shared by every task of the thread, keeps sockets idle between tasks until the server
 * closes them, and a call made on one just as it closes fails ("Network request for
 * 'getFile' failed"), which a loaded machine made common.
 */
export function taskApi(
  access: Pick<BotApiAccess, 'apiRoot' | 'token'>,
  timeoutSeconds: number,
): Api {
  return new Api(access.token, {
    apiRoot: access.apiRoot,
    timeoutSeconds,
    baseFetchConfig: { agent: keepAliveAgent(access.apiRoot) },
  });
}

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
