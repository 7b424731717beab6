import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import pino from 'pino';
import { type Db, openDatabase } from '../../src/db/database.js';
import {
  LiveSettings,
  type RuntimeSettings,
  readSettings,
  SettingsError,
  validateSettings,
  writeSettings,
} from '../../src/settings.js';
import { eventually } from '../e2e/harness.js';

const defaults: RuntimeSettings = {
  forceSubChannels: [],
  protectContent: false,
  autoDeleteMinutes: 0,
  titleSuffix: ' - PrimeLingoBot',
};

function refusal(change: unknown): string {
  try {
    validateSettings(change);
  } catch (error) {
    assert.ok(error instanceof SettingsError);
    return error.message;
  }
  assert.fail('expected a SettingsError');
}

describe('runtime settings', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase(':memory:');
  });
  after(() => db.destroy());

  it('validates a change with the start-up rules, naming the field', () => {
    assert.deepEqual(validateSettings({ forceSubChannels: ['@news_uz', -1001234567890] }), {
      forceSubChannels: ['@news_uz', -1001234567890],
    });
    assert.match(refusal({ autoDeleteMinutes: 3000 }), /^autoDeleteMinutes must be at most 2880/);
    assert.match(refusal({ autoDeleteMinutes: 1.5 }), /^autoDeleteMinutes must be a whole number/);
    assert.match(refusal({ forceSubChannels: ['news'] }), /^forceSubChannels\.0 must be a chat id/);
    assert.match(refusal({ protectContent: 'yes' }), /^protectContent must be true or false/);
    assert.match(refusal({ titleSuffix: 'x'.repeat(33) }), /^titleSuffix must be at most 32/);
    assert.equal(refusal({ colour: 'red' }), 'colour is not a setting');
  });

  it('reads the environment until a change is stored, then the change, with its source', async () => {
    const before = await readSettings(db, defaults);
    assert.deepEqual(before.values, defaults);
    assert.equal(before.sources.protectContent, 'environment');

    await writeSettings(db, { protectContent: true, forceSubChannels: ['@news_uz'] });
    const afterChange = await readSettings(db, defaults);
    assert.deepEqual(afterChange.values, {
      ...defaults,
      protectContent: true,
      forceSubChannels: ['@news_uz'],
    });
    assert.deepEqual(afterChange.sources, {
      forceSubChannels: 'api',
      protectContent: 'api',
      autoDeleteMinutes: 'environment',
      titleSuffix: 'environment',
    });
  });

  it('LiveSettings picks up a change another process stored', async () => {
    const live = new LiveSettings(db, defaults, pino({ level: 'silent' }), 20);
    await live.start();
    try {
      await writeSettings(db, { autoDeleteMinutes: 15 });
      await eventually(() => live.current.autoDeleteMinutes === 15, 'the change to be read');
    } finally {
      live.stop();
    }
  });
});
