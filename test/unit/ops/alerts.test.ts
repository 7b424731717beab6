import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Api } from 'grammy';
import { botApiRetry, configureApi } from '../../../src/bot/api.js';
import { createI18n } from '../../../src/bot/i18n.js';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { createLogger } from '../../../src/logger.js';
import { AlertGate, Alerts } from '../../../src/ops/alerts.js';
import { eventually, saying } from '../../e2e/harness.js';
import { Emulator } from '../../emulator/index.js';

const logger = createLogger({ level: 'silent', secrets: [] });
const HOUR = 3600_000;

describe('AlertGate', () => {
  it('lets an alert out as its condition begins, then keeps quiet while it lasts', () => {
    const gate = new AlertGate();
    assert.equal(gate.raise('disk', HOUR, 0), true);
    for (const at of [1, 1000, HOUR - 1])
      assert.equal(gate.raise('disk', HOUR, at), false, `${at}`);
    assert.equal(gate.isRaised('disk'), true);
    // Another alert has a gate of its own.
    assert.equal(gate.raise('errors', HOUR, 5), true);
  });

  it('reminds once the repeat interval passed since the alert went out', () => {
    const gate = new AlertGate();
    assert.equal(gate.raise('disk', HOUR, 0), true);
    assert.equal(gate.raise('disk', HOUR, HOUR), true);
    // Counted from the reminder, not from the first alert.
    assert.equal(gate.raise('disk', HOUR, HOUR + 10), false);
    assert.equal(gate.raise('disk', HOUR, 2 * HOUR), true);
  });

  it('lets the alert out again at once after the condition cleared', () => {
    const gate = new AlertGate();
    assert.equal(gate.clear('disk'), false, 'never raised');
    gate.raise('disk', HOUR, 0);
    assert.equal(gate.clear('disk'), true);
    assert.equal(gate.isRaised('disk'), false);
    assert.equal(gate.raise('disk', HOUR, 10), true);
  });
});

describe('Alerts: the disk holding DATA_DIR', () => {
  let emu: Emulator;
  let db: Db;
  before(async () => {
    emu = await Emulator.start();
    db = await openDatabase(':memory:');
  });
  after(async () => {
    await db.destroy();
    await emu.stop();
  });

  it('tells every admin once in their language while the disk is low, and again after it recovered', async () => {
    // One admin chose Russian, one has English Telegram, one never wrote: the default (uz).
    const [ru, en, uz] = [
      emu.user({ started: true }),
      emu.user({ started: true, language_code: 'en' }),
      emu.user({ started: true }),
    ].map((user) => user.id) as [number, number, number];
    await db
      .insertInto('users')
      .values([
        { id: ru, first_name: 'Rustam', language: 'ru', language_code: 'en' },
        { id: en, first_name: 'Emma', language_code: 'en' },
      ])
      .execute();
    const api = new Api(emu.token, { apiRoot: emu.apiRoot });
    configureApi(api, logger, botApiRetry(15_000));
    // 4 GB in 4 KB blocks: 409.6 MB free (10 %) is under 1 GB.
    let disk = { bsize: 4096, blocks: 1_000_000, bavail: 100_000 };
    let checks = 0;
    const alerts = new Alerts({
      db,
      api,
      i18n: createI18n('uz'),
      logger,
      config: { adminIds: [ru, en, uz], defaultLanguage: 'uz', dataDir: '/data', heartbeatMs: 20 },
      telegramAt: () => Date.now(),
      statfs: async (path) => {
        assert.equal(path, '/data');
        checks++;
        return disk;
      },
    });
    // Every message in this test is an alert.
    const alertsTo = (chatId: number) =>
      emu.calls.filter((c) => c.method === 'sendMessage' && c.params.chat_id === chatId);
    alerts.start();
    try {
      const texts = {
        [ru]: '⚠️ Тревога: диск с данными бота почти заполнен: свободно 391 MB из 3.8 GB (10 %).',
        [en]: "⚠️ Alert: the disk holding the bot's data is nearly full: 391 MB free of 3.8 GB (10 %).",
        [uz]: "⚠️ Ogohlantirish: bot ma'lumotlari turgan disk deyarli to'lgan: bo'sh joy 391 MB (jami 3.8 GB, 10 %).",
      };
      for (const [chatId, text] of Object.entries(texts)) {
        await emu.waitForCall('sendMessage', saying(Number(chatId), text));
      }
      // Twenty more checks while the disk stays low: nothing more goes out.
      const seen = checks;
      await eventually(() => checks >= seen + 20, 'twenty more checks');
      for (const chatId of [ru, en, uz]) assert.equal(alertsTo(chatId).length, 1, `${chatId}`);

      // Space is freed: the alert clears. Then a bigger disk fills past 95 %: 4 % free of
      // 2 TB is far more than 1 GB, yet low.
      disk = { ...disk, bavail: 900_000 };
      const cleared = checks;
      await eventually(() => checks >= cleared + 2, 'checks with the disk fine');
      disk = { bsize: 4096, blocks: 500_000_000, bavail: 20_000_000 };
      await emu.waitForCall(
        'sendMessage',
        saying(
          en,
          "⚠️ Alert: the disk holding the bot's data is nearly full: 76.3 GB free of 1907 GB (4 %).",
        ),
      );
      for (const chatId of [ru, uz]) {
        await eventually(() => alertsTo(chatId).length === 2, `the second alert to ${chatId}`);
      }
    } finally {
      await alerts.stop();
    }
  });
});
