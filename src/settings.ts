import type { z } from 'zod';
import { type Config, runtimeSettingsSchema } from './config.js';
import type { Db } from './db/database.js';
import type { Logger } from './logger.js';
import { Periodic } from './ops/periodic.js';

/**
 * The settings an admin can change while the bot runs (PATCH /api/settings). The environment
 * gives their values; a change made over the API is a `settings` row that overrides it, and
 * every process sharing the database picks it up (LiveSettings), with no restart.
 */
export interface RuntimeSettings {
  forceSubChannels: (number | string)[];
  protectContent: boolean;
  autoDeleteMinutes: number;
  titleSuffix: string;
}

export type SettingName = keyof RuntimeSettings;

export const settingNames = [
  'forceSubChannels',
  'protectContent',
  'autoDeleteMinutes',
  'titleSuffix',
] as const satisfies readonly SettingName[];

/** Where a setting's value comes from. */
export type SettingSource = 'environment' | 'api';

export interface SettingsSnapshot {
  values: RuntimeSettings;
  sources: Record<SettingName, SettingSource>;
}

/** A change refused by the start-up rules; `field` names the setting. */
export class SettingsError extends Error {
  override name = 'SettingsError';
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field} ${message}`);
  }
}

const ROW_PREFIX = 'setting:';

/** The settings as the environment gives them. */
export function environmentSettings(config: Config): RuntimeSettings {
  return {
    forceSubChannels: config.forceSubChannels,
    protectContent: config.protectContent,
    autoDeleteMinutes: config.autoDeleteMinutes,
    titleSuffix: config.titleSuffix,
  };
}

/** Validates a change with the rules start-up applies to the variables. */
export function validateSettings(change: unknown): Partial<RuntimeSettings> {
  const result = runtimeSettingsSchema.partial().safeParse(change);
  if (result.success) return result.data;
  const issue = result.error.issues[0] as z.core.$ZodIssue;
  if (issue.code === 'unrecognized_keys') {
    throw new SettingsError(issue.keys[0] ?? 'settings', 'is not a setting');
  }
  throw new SettingsError(issue.path.map(String).join('.') || 'settings', issue.message);
}

/** The current settings: the environment's, overridden by the changes made over the API. */
export async function readSettings(db: Db, defaults: RuntimeSettings): Promise<SettingsSnapshot> {
  const rows = await db
    .selectFrom('settings')
    .select(['key', 'value'])
    .where('key', 'like', `${ROW_PREFIX}%`)
    .execute();
  const values: RuntimeSettings = { ...defaults };
  const sources = Object.fromEntries(settingNames.map((name) => [name, 'environment'])) as Record<
    SettingName,
    SettingSource
  >;
  for (const row of rows) {
    const name = row.key.slice(ROW_PREFIX.length) as SettingName;
    if (!settingNames.includes(name)) continue;
    Object.assign(values, { [name]: JSON.parse(row.value) });
    sources[name] = 'api';
  }
  return { values, sources };
}

/** Stores a validated change (see validateSettings), all fields in one transaction. */
export async function writeSettings(db: Db, change: Partial<RuntimeSettings>): Promise<void> {
  const rows = Object.entries(change).map(([name, value]) => ({
    key: `${ROW_PREFIX}${name}`,
    value: JSON.stringify(value),
    updated_at: Date.now(),
  }));
  if (rows.length === 0) return;
  await db
    .insertInto('settings')
    .values(rows)
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        value: eb.ref('excluded.value'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
}

/**
 * The settings as the running bot uses them: read from the database at start and every
 * `pollMs` after, so a change another process made is in force within seconds.
 */
export class LiveSettings {
  private snapshot: RuntimeSettings;
  private readonly loop: Periodic;

  constructor(
    private readonly db: Db,
    private readonly defaults: RuntimeSettings,
    private readonly logger: Logger,
    pollMs = 2000,
  ) {
    this.snapshot = defaults;
    this.loop = new Periodic('re-read the settings', pollMs, () => this.refresh(), logger);
  }

  /** The values in force now. */
  get current(): RuntimeSettings {
    return this.snapshot;
  }

  /** Reads the settings (a failure stops start-up), then re-reads them every pollMs. */
  async start(): Promise<void> {
    await this.refresh();
    this.loop.start(false);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  private async refresh(): Promise<void> {
    const { values } = await readSettings(this.db, this.defaults);
    if (JSON.stringify(values) !== JSON.stringify(this.snapshot)) {
      this.logger.info({ settings: values }, 'settings in force');
    }
    this.snapshot = values;
  }
}
