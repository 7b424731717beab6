import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isDeepStrictEqual } from 'node:util';
import type { Update } from 'grammy/types';
import { countRecipients } from '../../src/db/broadcasts.js';
import type { Db } from '../../src/db/database.js';
import { type CallRecord, Emulator } from '../emulator/index.js';
import { updateType } from '../emulator/updates.js';
import { type ApiRequest, apiClient } from './api-client.js';
import { pressSend, report } from './broadcast-helpers.js';
import { ask, eventually, startBot, startWorld, type World } from './harness.js';
import { addTestFile, dataOf, openCard, pressAndWait, sentMessage } from './library-helpers.js';
import { type Family, parsePrometheus, sampleValue } from './prometheus.js';

const ADMIN = 5150;
const PASSWORD = 'a long enough password';
const METRICS_TOKEN = 'scrape-token-0123456789';

/** GET /metrics at `base`, parsed; fails unless it answers 200 in the Prometheus text format. */
async function scrape(base: string, token = METRICS_TOKEN): Promise<Map<string, Family>> {
  const response = await fetch(`${base}/metrics`, {
    headers: { authorization: `Bearer ${token}` },
  });
  assert.equal(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  return parsePrometheus(await response.text());
}

/** The update types the bot received: what the emulator's getUpdates answers delivered. */
function deliveredTypes(emu: Emulator): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of emu.calls) {
    if (call.method !== 'getUpdates' || !call.ok || call.aborted) continue;
    for (const update of call.result as unknown as Update[]) {
      const type = updateType(update);
      counts[type] = (counts[type] ?? 0) + 1;
    }
  }
  return counts;
}

/** `<method> <outcome>` of every answered call but the long polls, as the emulator logged them. */
function answeredCalls(calls: CallRecord[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) {
    if (call.method === 'getUpdates' || call.aborted) continue;
    const code = call.error?.error_code ?? 0;
    const outcome = call.ok ? 'ok' : code === 429 ? '429' : code >= 500 ? '5xx' : '4xx';
    const key = `${call.method} ${outcome}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** A family's samples named `name`, as `<label values> -> value`, for comparing counts. */
function byLabels(families: Map<string, Family>, family: string, name = family) {
  const counts: Record<string, number> = {};
  for (const sample of families.get(family)?.samples ?? []) {
    if (sample.name === name) counts[Object.values(sample.labels).join(' ')] = sample.value;
  }
  return counts;
}

describe('metrics, with the bot and the admin API in one process', () => {
  let world: World;
  let db: Db;
  let base: string;
  let request: ApiRequest;

  before(async () => {
    world = await startWorld({
      env: {
        APP_ROLE: 'all',
        ADMIN_IDS: String(ADMIN),
        ADMIN_USERNAME: 'root',
        ADMIN_PASSWORD: PASSWORD,
        METRICS_TOKEN,
      },
    });
    db = await world.db();
    base = await world.bot.apiUrl();
    request = await apiClient(base, 'root', PASSWORD);
  });
  after(() => world?.close());

  it('serves /metrics only to the METRICS_TOKEN bearer, with no login', async () => {
    assert.equal((await fetch(`${base}/metrics`)).status, 401);
    const wrong = await fetch(`${base}/metrics`, {
      headers: { authorization: 'Bearer scrape-token-9876543210' },
    });
    assert.equal(wrong.status, 401);
    const families = await scrape(base);
    // The process's default metrics, and the pool's gauges read at the scrape.
    assert.equal(families.get('process_cpu_user_seconds_total')?.type, 'counter');
    assert.equal(families.get('nodejs_eventloop_lag_seconds')?.type, 'gauge');
    assert.equal(sampleValue(families, 'primelingo_pool_threads_max'), 2);
    assert.equal(sampleValue(families, 'primelingo_pool_queue_length'), 0);
    assert.ok(world.bot.output.every((line) => !line.includes(METRICS_TOKEN)));
  });

  it('counts a scripted session: updates, Bot API calls, searches, downloads, jobs, broadcasts, errors', async () => {
    const { emu } = world;
    const admin = emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en' });
    await world.ask(admin, '/start', /^Hello, Admin!/);
    const user = emu.user({ first_name: 'Aziz', language_code: 'en' });
    // A user who blocked the bot since: the broadcast marks them.
    const gone = emu.user({ first_name: 'Gone', started: true });
    emu.blockBot(gone, { notify: false });
    await db.insertInto('users').values({ id: gone.id, first_name: 'Gone' }).execute();
    const ready = await addTestFile(emu, db, { title: 'Grammar basics', addedBy: ADMIN });
    // No processed copy yet: the download makes it through the worker pool (a job).
    const raw = await addTestFile(emu, db, {
      title: 'Listening drills',
      processed: false,
      addedBy: ADMIN,
    });
    // The admin's /start is timed when its handling ends, a moment after the reply.
    const before = await eventually(async () => {
      const families = await scrape(base);
      const started = sampleValue(families, 'primelingo_handler_duration_seconds_count', {
        feature: 'start',
      });
      return started === 1 && families;
    }, 'the first /start to be observed');

    // Searches: in the chat, inline, and over the admin API.
    await world.ask(user, 'grammar', /^🔎 «grammar»: 1 file/);
    const inline = emu.inlineQuery(user, 'grammar');
    await emu.waitForCall(
      'answerInlineQuery',
      (c) => c.ok && c.params.inline_query_id === inline.inline_query?.id,
    );
    assert.equal((await request('GET', '/api/files?q=grammar')).body.total, 1);
    // Two downloads from cards.
    for (const file of [ready, raw]) {
      const card = sentMessage(await openCard(emu, user, file.id));
      await pressAndWait(emu, user, card, dataOf(card, /⬇️/), 'sendDocument', {
        timeoutMs: 60_000,
      });
    }
    // A handler whose reply Telegram refuses: an error recorded, and a 4xx.
    emu.fail('sendMessage', { error_code: 400, description: 'Bad Request: message text is empty' });
    await world.ask(user, '/help', /^Sorry, something went wrong/);
    // A broadcast to the three users: two get it, one blocked the bot.
    const mark = emu.mark();
    emu.sendCommand(admin, '/broadcast New lessons are in');
    const id = await pressSend(world, admin, mark);
    await report(world, id, mark);
    assert.deepEqual(await countRecipients(db, id), {
      pending: 0,
      sent: 2,
      blocked: 1,
      failed: 0,
      unknown: 0,
    });

    // What the emulator saw: every update delivered, and every call answered but the long
    // polls. The worker threads' own calls (getFile and the upload to the storage chat, the
    // admin's here) are not counted: the job's metrics stand for them.
    const workers = (c: CallRecord) =>
      c.method === 'getFile' || (c.method === 'sendDocument' && c.params.chat_id === ADMIN);
    const apiCalls = (families: Map<string, Family>) =>
      Object.fromEntries(
        Object.entries(byLabels(families, 'primelingo_bot_api_calls_total')).filter(
          ([key]) => !key.startsWith('getUpdates '),
        ),
      );
    const seen = () => answeredCalls(emu.calls.filter((c) => !workers(c)));
    // Calls are counted when their answer is read and updates timed when their handling
    // ends, a moment after the emulator logs them: scrape until they are all in.
    const handledSince = (families: Map<string, Family>) =>
      sampleValue(families, 'primelingo_handler_duration_seconds_count', { feature: 'broadcast' }) -
      sampleValue(before, 'primelingo_handler_duration_seconds_count', { feature: 'broadcast' });
    let after = await scrape(base);
    await eventually(async () => {
      after = await scrape(base);
      return (
        isDeepStrictEqual(apiCalls(after), seen()) &&
        isDeepStrictEqual(byLabels(after, 'primelingo_updates_total'), deliveredTypes(emu)) &&
        handledSince(after) === 2
      );
    }, 'the metrics to catch up').catch(() => undefined);
    assert.deepEqual(apiCalls(after), seen());
    assert.deepEqual(byLabels(after, 'primelingo_updates_total'), deliveredTypes(emu));

    const moved = (name: string, labels = {}) =>
      sampleValue(after, name, labels) - sampleValue(before, name, labels);
    assert.equal(moved('primelingo_search_duration_seconds_count', { source: 'chat' }), 1);
    assert.equal(moved('primelingo_search_duration_seconds_count', { source: 'inline' }), 1);
    assert.equal(moved('primelingo_search_duration_seconds_count', { source: 'api' }), 1);
    assert.ok(moved('primelingo_search_duration_seconds_sum', { source: 'chat' }) > 0);
    assert.equal(moved('primelingo_downloads_total', { source: 'card' }), 2);
    assert.equal(moved('primelingo_processing_job_duration_seconds_count', { outcome: 'done' }), 1);
    assert.equal(moved('primelingo_broadcast_messages_total', { outcome: 'sent' }), 2);
    assert.equal(moved('primelingo_broadcast_messages_total', { outcome: 'blocked' }), 1);
    assert.equal(sampleValue(after, 'primelingo_broadcast_rate'), 0, 'none runs now');
    assert.equal(moved('primelingo_errors_total', { source: 'bot' }), 1);
    // Each update timed under the feature that answered it (the two cards open by /start).
    for (const [feature, count] of Object.entries({
      search: 1,
      inline: 1,
      start: 2,
      'file-card': 2,
      help: 1,
      broadcast: 2,
    })) {
      assert.equal(moved('primelingo_handler_duration_seconds_count', { feature }), count, feature);
    }

    assert.equal(moved('primelingo_updates_total', { type: 'message' }), 5);
    assert.equal(moved('primelingo_updates_total', { type: 'callback_query' }), 3);
    assert.equal(moved('primelingo_updates_total', { type: 'inline_query' }), 1);
    // The refused reply to /help, and the broadcast to the user who blocked the bot (403).
    assert.equal(
      moved('primelingo_bot_api_calls_total', { method: 'sendMessage', outcome: '4xx' }),
      2,
    );

    // The families are declared as Prometheus expects them.
    const declared: Record<string, Family['type']> = {
      primelingo_updates_total: 'counter',
      primelingo_handler_duration_seconds: 'histogram',
      primelingo_bot_api_calls_total: 'counter',
      primelingo_search_duration_seconds: 'histogram',
      primelingo_downloads_total: 'counter',
      primelingo_processing_job_duration_seconds: 'histogram',
      primelingo_broadcast_messages_total: 'counter',
      primelingo_broadcast_rate: 'gauge',
      primelingo_errors_total: 'counter',
      primelingo_pool_threads_busy: 'gauge',
    };
    for (const [name, type] of Object.entries(declared)) {
      assert.equal(after.get(name)?.type, type, name);
      assert.ok(after.get(name)?.help, `${name} has its HELP`);
    }
    const buckets = after
      .get('primelingo_handler_duration_seconds')
      ?.samples.filter((s) => s.labels.feature === 'file-card' && s.labels.le === '+Inf');
    assert.equal(
      buckets?.[0]?.value,
      sampleValue(after, 'primelingo_handler_duration_seconds_count', {
        feature: 'file-card',
      }),
    );
  });
});

describe('metrics of a bot-only process (APP_ROLE=bot)', () => {
  it('serves them on METRICS_PORT with node:http, and nothing else there', async () => {
    const emu = await Emulator.start();
    const bot = await startBot(emu, {
      env: { APP_ROLE: 'bot', METRICS_PORT: '0', METRICS_TOKEN },
    });
    try {
      const line = await bot.waitForOutput(/"msg":"metrics listening"/);
      const { url } = JSON.parse(line) as { url: string };
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.ok(!bot.output.some((l) => l.includes('admin API listening')));
      const user = emu.user({ first_name: 'Nodira', language_code: 'en' });
      await ask(emu, user, '/start', /^Hello, Nodira!/);
      const families = await eventually(async () => {
        const scraped = await scrape(url);
        const handled = sampleValue(scraped, 'primelingo_handler_duration_seconds_count', {
          feature: 'start',
        });
        return handled === 1 && scraped;
      }, '/start to be observed');
      assert.equal(sampleValue(families, 'primelingo_updates_total', { type: 'message' }), 1);
      assert.ok(
        sampleValue(families, 'primelingo_bot_api_calls_total', {
          method: 'sendMessage',
          outcome: 'ok',
        }) >= 1,
      );
      assert.equal(families.get('process_resident_memory_bytes')?.type, 'gauge');
      assert.equal((await fetch(`${url}/metrics`)).status, 401);
      assert.equal((await fetch(`${url}/health`)).status, 404);
      assert.equal(await bot.stop(), 0);
    } finally {
      await bot.stop('SIGKILL');
      await emu.stop();
    }
  });
});
