import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FileAdapter } from '@grammyjs/storage-file';
import type { Logger } from '../logger.js';

/**
 * @grammyjs/storage-file's adapter, made crash-safe. Its writes go to the session file in
 * place, so a process killed mid-write leaves torn JSON that fails every later read of that
 * chat. Here a write goes to a temporary file renamed over the old one (atomic on POSIX),
 * and a file that still cannot be parsed resets the session with a log line.
 */
export class AtomicFileAdapter<T> extends FileAdapter<T> {
  private readonly dir: string;

  constructor(dir: string, logger: Logger) {
    super({
      dirName: dir,
      deserializer: (text) => {
        try {
          return JSON.parse(text) as T;
        } catch (error) {
          logger.warn({ err: error }, 'unreadable session file: starting a fresh session');
          return undefined as T;
        }
      },
    });
    this.dir = resolve(dir);
  }

  override async write(key: string, value: T): Promise<void> {
    const path = sessionPath(this.dir, key);
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, this.serializer(value), 'utf8');
    await rename(temporary, path);
  }
}

/** Where FileAdapter keeps a key: `<dir>/<last two characters>/<key>.json`. */
export function sessionPath(dir: string, key: string): string {
  return resolve(dir, key.slice(-2), `${key}.json`);
}
