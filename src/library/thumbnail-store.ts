import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Db } from '../db/database.js';
import { getSetting, setSetting } from '../db/settings.js';
import { DEFAULT_THUMBNAIL_PATH } from './thumbnail.js';

const SETTING = 'default_thumbnail';

/**
 * The default thumbnail processed files carry. An admin's /set_thumb image is kept in the
 * settings table (so every process sharing the database sees it) and written to a file
 * under `dir` for the workers, named by its hash; without one, the bundled default.
 */
export class ThumbnailStore {
  constructor(
    private readonly db: Db,
    private readonly dir: string,
  ) {}

  /** The path of the current default thumbnail (a JPEG fit for the Bot API). */
  async path(): Promise<string> {
    const encoded = await getSetting(this.db, SETTING);
    if (!encoded) return DEFAULT_THUMBNAIL_PATH;
    const hash = createHash('sha256').update(encoded).digest('hex').slice(0, 16);
    const path = join(this.dir, `thumbnail-${hash}.jpg`);
    if (!existsSync(path)) {
      await mkdir(this.dir, { recursive: true });
      const temporary = `${path}.${randomUUID()}.tmp`;
      await writeFile(temporary, Buffer.from(encoded, 'base64'));
      await rename(temporary, path);
    }
    return path;
  }

  /**
   * Makes `jpeg` (already normalised by makeThumbnail) the default from now on; `db` may be
   * the transaction of a change it belongs with.
   */
  async replace(jpeg: Buffer, db: Db = this.db): Promise<void> {
    await setSetting(db, SETTING, jpeg.toString('base64'));
  }
}
