import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Bot } from 'grammy';
import type { Context } from '../../../src/bot/context.js';
import { createI18n } from '../../../src/bot/i18n.js';
import { createBot } from '../../../src/bot/index.js';
import { Outbox } from '../../../src/bot/outbox.js';
import { loadConfig } from '../../../src/config.js';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { addFile } from '../../../src/db/files.js';
import { searchFiles } from '../../../src/library/search.js';
import { SearchUnavailableError } from '../../../src/library/search-pool.js';
import { ThumbnailStore } from '../../../src/library/thumbnail-store.js';
import { createLogger } from '../../../src/logger.js';
import { createMetrics } from '../../../src/ops/metrics.js';
import { environmentSettings, LiveSettings } from '../../../src/settings.js';
import { Emulator } from '../../emulator/index.js';

// The bot built in this process with a search that fails as the search pool does when no
// thread answers in time, then works again: the user must hear "try again", not silence.
describe('a search no thread answers', () => {
  let emu: Emulator;
  let dataDir: string;
  let db: Db;
  let bot: Bot<Context>;
  let failing = true;

  before(async () => {
    emu = await Emulator.start();
    dataDir = await mkdtemp(join(tmpdir(), 'search-unavailable-'));
    const config = loadConfig({
      BOT_TOKEN: emu.token,
      TELEGRAM_API_ROOT: emu.apiRoot,
      DATA_DIR: dataDir,
    });
    db = await openDatabase(':memory:');
    await addFile(db, {
      file_id: 'g',
      file_unique_id: 'g-u',
      title: 'Grammar',
      type: 'audio',
      size: 1,
    });
    const logger = createLogger({ level: 'silent', secrets: [] });
    ({ bot } = createBot({
      config,
      db,
      logger,
      metrics: createMetrics(),
      scrub: (text) => text,
      sessionsDir: join(dataDir, 'sessions'),
      processing: { ensureProcessed: async () => undefined, kick: () => undefined },
      settings: new LiveSettings(db, environmentSettings(config), logger),
      pool: { fetchThumbnail: async () => Buffer.alloc(0) },
      thumbnails: new ThumbnailStore(db, join(dataDir, 'thumbnails')),
      i18n: createI18n(config.defaultLanguage),
      broadcasts: { kick: () => undefined },
      outbox: new Outbox(),
      search: async (query, options) => {
        if (failing) throw new SearchUnavailableError('timeout');
        return searchFiles(db, query, options);
      },
    }));
    await bot.init();
  });
  after(async () => {
    await db.destroy();
    await emu.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('asks the user to try again, and answers the next search', async () => {
    const user = emu.user({ language_code: 'en' });
    const replies = () =>
      emu.calls
        .filter((call) => call.method === 'sendMessage' && call.params.chat_id === user.id)
        .map((call) => String(call.params.text));
    failing = true;
    await bot.handleUpdate(emu.sendText(user, 'grammar'));
    assert.deepEqual(replies(), ['⏳ The search is busy right now. Please try again in a moment.']);
    failing = false;
    await bot.handleUpdate(emu.sendText(user, 'grammar'));
    assert.match(replies()[1] ?? '', /^🔎 «grammar»: 1 file found/u);
  });

  it('answers an inline query with nothing, uncached, and a button saying to try again', async () => {
    const user = emu.user({ language_code: 'en' });
    failing = true;
    const query = emu.inlineQuery(user, 'grammar');
    await bot.handleUpdate(query);
    const answer = emu.calls.find(
      (call) =>
        call.method === 'answerInlineQuery' &&
        call.params.inline_query_id === query.inline_query?.id,
    );
    assert.ok(answer?.ok, 'answered');
    assert.deepEqual(answer.params.results, []);
    assert.equal(answer.params.cache_time, 0);
    assert.deepEqual(answer.params.button, {
      text: '⏳ Search is busy, try again',
      start_parameter: 'search',
    });
  });
});
