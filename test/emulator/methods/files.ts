import { badRequest } from '../errors.js';
import { optStr } from '../params.js';
import type { Handler } from '../state.js';

/**
 * getFile: public servers refuse files over the download limit (20 MB); a local server
 * has none and answers the absolute path on its disk instead of a relative file_path.
 */
const getFile: Handler = (ctx) => {
  const id = optStr(ctx.params, 'file_id');
  if (!id) throw badRequest('file_id is empty');
  const file = ctx.state.files.get(id);
  if (!file) throw badRequest('invalid file_id');
  const { localMode, downloadLimitBytes } = ctx.state.config;
  if (!localMode && file.file_size > downloadLimitBytes) throw badRequest('file is too big');
  file.downloadable = true;
  return {
    file_id: file.file_id,
    file_unique_id: file.file_unique_id,
    file_size: file.file_size,
    file_path: localMode ? file.path : file.file_path,
  };
};

/** Handler of getFile. */
export const fileMethods: Record<string, Handler> = { getFile };
