import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { FileAdapter } from '@grammyjs/storage-file';
import type { Logger } from '../logger.js';

/**
 * @grammyjs/storage-file's adapter, made crash-safe. Its writes go to the session file in
 * place, so a process killed mid-write leaves torn JSON that fails every later read of that
 * chat; and it takes any read error for "no session", so a passing EMFILE would overwrite a
 * real session with a fresh one. Here a write goes to a temporary file renamed over the old
 * one (atomic on POSIX), only a missing file means no session, and a file that cannot be
 * parsed resets the session with a log line. A session with nothing in it is not a file at
 * all: everything else about a user lives in the database, so only chats with state to keep
 * (an open dialog, a search's pages) take a file.
 */
export class AtomicFileAdapter<T> extends FileAdapter<T> {
  private readonly dir: string;

  constructor(
    dir: string,
    private readonly logger: Logger,
  ) {
    super({ dirName: dir });
    this.dir = resolve(dir);
  }

  override async read(key: string): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(sessionPath(this.dir, key), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      return this.deserializer(text);
    } catch (error) {
      this.logger.warn({ err: error, key }, 'unreadable session file: starting a fresh session');
      return undefined;
    }
  }

  override async write(key: string, value: T): Promise<void> {
    const path = sessionPath(this.dir, key);
    const text = this.serializer(value);
    if (text === '{}') {
      await rm(path, { force: true });
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    const temporary = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temporary, text, 'utf8');
    await rename(temporary, path);
  }
}

/** Where FileAdapter keeps a key: `<dir>/<last two characters>/<key>.json`. */
export function sessionPath(dir: string, key: string): string {
  return resolve(dir, key.slice(-2), `${key}.json`);
}
