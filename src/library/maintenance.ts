import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as nextLoopTurn } from 'node:timers/promises';
import type { Retention } from '../config.js';
import { expireDrafts, pruneRecipients } from '../db/broadcasts.js';
import type { Db } from '../db/database.js';
import { foldDownloads } from '../db/downloads.js';
import { mergeSearchIndex } from '../db/files.js';
import { pruneHealth } from '../db/health.js';
import { pruneJoinRequests } from '../db/join-requests.js';
import type { Logger } from '../logger.js';
import { Periodic } from '../ops/periodic.js';
import { HOUR_MS } from '../time.js';

export interface MaintenanceDeps {
  db: Db;
  logger: Logger;
  retention: Retention;
  sessionsDir: string;
  /** How often a pass runs. Default 1 hour. */
  intervalMs?: number;
  now?: () => number;
}

/** What one pass removed or folded. */
export interface MaintenanceReport {
  downloadsFolded: number;
  recipientsPruned: number;
  draftsExpired: number;
  joinRequestsPruned: number;
  healthChecksPruned: number;
  sessionFilesRemoved: number;
  /** Steps of merging the search index's segments that did work. */
  searchIndexMerges: number;
}

// Rows a write transaction touches at most: SQLite blocks the bot's thread while it writes,
// so big deletions go in slices with a turn of the event loop between them.
const BATCH = 5000;
// Leaf pages one step of the search index's merge writes: p50 5 ms, at most about 50 ms at a
// million files (a step ends at a term's end, so a common prefix's list makes it longer).
const MERGE_PAGES = 64;

/**
 * Keeps every table and folder that grows with use within its retention (README, Settings):
 * folds old download rows into daily counts, prunes finished broadcasts' recipients (the
 * broadcast keeps its counts), expires drafts never sent, and prunes old join requests,
 * health events and abandoned or orphaned session files, and merges the search index's
 * segments, which keeps searches fast as the library grows. The first pass runs at start();
 * passes never overlap.
 */
export class Maintenance {
  private readonly loop: Periodic;
  private readonly started: number;
  private readonly now: () => number;

  constructor(private readonly deps: MaintenanceDeps) {
    this.now = deps.now ?? Date.now;
    this.started = this.now();
    const every = deps.intervalMs ?? HOUR_MS;
    this.loop = new Periodic('maintenance', every, () => this.runOnce(), deps.logger);
  }

  /** Runs a pass now, then one every interval until stop(). */
  start(): void {
    this.loop.start();
  }

  /** Stops the timer and waits for a pass under way to finish its current slice. */
  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over every table and folder. */
  async runOnce(): Promise<MaintenanceReport> {
    const { db, retention } = this.deps;
    const now = this.now();
    const report: MaintenanceReport = {
      downloadsFolded: await this.inSlices(
        () => foldDownloads(db, now - retention.downloads, BATCH),
        BATCH,
      ),
      recipientsPruned: await this.inSlices(
        () => pruneRecipients(db, now - retention.broadcastRecipients, BATCH),
        BATCH,
      ),
      draftsExpired: await expireDrafts(db, now - retention.broadcastDrafts),
      joinRequestsPruned: await pruneJoinRequests(db, now - retention.joinRequests),
      healthChecksPruned: await pruneHealth(db, now - retention.healthChecks),
      // Temporary files from before this process started are orphans of a killed one.
      sessionFilesRemoved: await pruneSessions(
        this.deps.sessionsDir,
        now - retention.sessions,
        this.started,
      ),
      searchIndexMerges: await this.inSlices(
        async () => Number(await mergeSearchIndex(db, MERGE_PAGES)),
        1,
      ),
    };
    if (Object.values(report).some((count) => count > 0)) {
      this.deps.logger.info(report, 'maintenance pass');
    }
    return report;
  }

  // Repeats a step until it does less than `full` (or the bot is stopping); sums what it did.
  private async inSlices(step: () => Promise<number>, full: number): Promise<number> {
    let total = 0;
    for (;;) {
      const done = await step();
      total += done;
      if (done < full || this.loop.stopping) return total;
      await nextLoopTurn();
    }
  }
}

/**
 * Removes session files (`<dir>/<xx>/<key>.json`, see bot/session-storage.ts) last written
 * before `before` (abandoned dialogs) and temporary files from before `temporaryBefore` (left
 * by a process killed mid-write; the running process's own are renamed within milliseconds).
 * Returns how many files it removed.
 */
async function pruneSessions(
  dir: string,
  before: number,
  temporaryBefore: number,
): Promise<number> {
  let removed = 0;
  const folders = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  });
  for (const folder of folders) {
    if (!folder.isDirectory()) continue;
    for (const name of await readdir(join(dir, folder.name))) {
      const path = join(dir, folder.name, name);
      const cutoff = name.endsWith('.tmp') ? temporaryBefore : before;
      // A file renamed or removed meanwhile is no longer this function's business.
      const written = await stat(path).then(
        (stats) => stats.mtimeMs,
        () => Number.POSITIVE_INFINITY,
      );
      if (written >= cutoff) continue;
      await rm(path, { force: true });
      removed++;
    }
  }
  return removed;
}
