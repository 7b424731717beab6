import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import sharp from 'sharp';
import { recordDownload } from '../../src/db/downloads.js';
import { addFile } from '../../src/db/files.js';
import { getSetting } from '../../src/db/settings.js';
import { DEFAULT_THUMBNAIL_PATH } from '../../src/library/thumbnail.js';
import { ThumbnailStore } from '../../src/library/thumbnail-store.js';
import { buildApi, type TestApi } from './helper.js';
import { addUsers, auditRows, call, multipart } from './resources.js';

describe('/api/settings', () => {
  let api: TestApi;
  before(async () => {
    api = await buildApi({ env: { FORCE_SUB_CHANNELS: '@news_uz', AUTO_DELETE_MINUTES: '30' } });
  });
  after(() => api.close());

  it('shows every setting with its value and source', async () => {
    const settings = (await call(api, 'viewer', 'GET', '/api/settings')).json();
    assert.deepEqual(settings.forceSubChannels, {
      value: ['@news_uz'],
      source: 'environment',
      editable: true,
    });
    assert.deepEqual(settings.autoDeleteMinutes.value, 30);
    assert.deepEqual(settings.botMode, {
      value: 'polling',
      source: 'environment',
      editable: false,
    });
    const text = JSON.stringify(settings);
    for (const secret of ['123456:TEST-token', 'test-secret-test-secret']) {
      assert.ok(!text.includes(secret), 'no secret in the settings');
    }
  });

  it('changes settings with the start-up rules, audited, and marks them as set over the API', async () => {
    const response = await call(api, 'admin', 'PATCH', '/api/settings', {
      forceSubChannels: ['@news_uz', -1001234567890],
      protectContent: true,
    });
    assert.equal(response.statusCode, 200);
    assert.deepEqual(response.json().forceSubChannels, {
      value: ['@news_uz', -1001234567890],
      source: 'api',
      editable: true,
    });
    assert.equal(response.json().protectContent.source, 'api');
    assert.equal(response.json().autoDeleteMinutes.source, 'environment');
    const [row] = await auditRows(api, 'settings.update');
    assert.deepEqual(row?.before, { forceSubChannels: ['@news_uz'], protectContent: false });
    assert.deepEqual(row?.after, {
      forceSubChannels: ['@news_uz', -1001234567890],
      protectContent: true,
    });
  });

  it('refuses a bad change naming the field, and stores nothing', async () => {
    const stored = () => api.db.selectFrom('settings').selectAll().execute();
    const before = await stored();
    const cases: [object | string, RegExp][] = [
      [{ autoDeleteMinutes: 2881 }, /^body\/autoDeleteMinutes must be at most 2880/],
      [{ autoDeleteMinutes: 'ten' }, /^body\/autoDeleteMinutes must be integer/],
      [
        { forceSubChannels: ['news'] },
        /^body\/forceSubChannels\.0 must be a chat id or an @username/,
      ],
      [{ titleSuffix: 'x'.repeat(33) }, /^body\/titleSuffix must be at most 32 characters/],
      [{ botMode: 'webhook' }, /^body must not have additional properties: botMode/],
      [{}, /^body must NOT have fewer than 1 properties/i],
      ['{protectContent: true}', /^Body is not valid JSON/i],
    ];
    for (const [payload, message] of cases) {
      const response = await call(api, 'admin', 'PATCH', '/api/settings', payload, {
        'content-type': 'application/json',
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.match(response.json().message, message);
    }
    assert.deepEqual(await stored(), before);
  });

  it('takes a new default thumbnail through the thumbnail pipeline, audited', async () => {
    const image = await sharp({
      create: { width: 800, height: 600, channels: 3, background: '#3366cc' },
    })
      .png()
      .toBuffer();
    const { body, headers } = multipart('file', 'cover.png', image);
    const response = await call(api, 'admin', 'PUT', '/api/settings/thumbnail', body, headers);
    assert.equal(response.statusCode, 200, response.body);
    const stored = await getSetting(api.db, 'default_thumbnail');
    assert.ok(stored);
    const meta = await sharp(Buffer.from(stored, 'base64')).metadata();
    assert.equal(meta.format, 'jpeg');
    assert.ok((meta.width ?? 0) <= 320 && (meta.height ?? 0) <= 320);
    const path = await new ThumbnailStore(api.db, `${api.config.dataDir}/thumbnails`).path();
    assert.notEqual(path, DEFAULT_THUMBNAIL_PATH);
    assert.equal((await auditRows(api, 'settings.thumbnail')).length, 1);
  });

  it('refuses a thumbnail that is not an image, or over 10 MB, keeping the old one', async () => {
    const before = await getSetting(api.db, 'default_thumbnail');
    const text = multipart('file', 'notes.png', Buffer.from('not an image at all'));
    const refused = await call(
      api,
      'admin',
      'PUT',
      '/api/settings/thumbnail',
      text.body,
      text.headers,
    );
    assert.equal(refused.statusCode, 400);
    assert.match(refused.json().message, /^body\/file /);
    const huge = multipart('file', 'huge.png', Buffer.alloc(10 * 1024 * 1024 + 1, 1));
    const tooBig = await call(
      api,
      'admin',
      'PUT',
      '/api/settings/thumbnail',
      huge.body,
      huge.headers,
    );
    assert.equal(tooBig.statusCode, 413);
    assert.deepEqual(Object.keys(tooBig.json()), ['statusCode', 'error', 'message']);
    const none = await call(api, 'admin', 'PUT', '/api/settings/thumbnail', { a: 1 });
    assert.deepEqual(none.json(), {
      statusCode: 415,
      error: 'Unsupported Media Type',
      message: 'body must be multipart/form-data with one image file',
    });
    // Found by the fuzz test: multipart without a boundary was a 500.
    const torn = await call(api, 'admin', 'PUT', '/api/settings/thumbnail', 'garbage', {
      'content-type': 'multipart/form-data',
    });
    assert.deepEqual(torn.json(), {
      statusCode: 400,
      error: 'Bad Request',
      message: 'body is not valid multipart/form-data',
    });
    assert.equal(await getSetting(api.db, 'default_thumbnail'), before);
    assert.ok(await readFile(DEFAULT_THUMBNAIL_PATH));
  });
});

describe('/api/stats', () => {
  let api: TestApi;
  before(async () => {
    api = await buildApi();
    await addUsers(api, [
      { id: 1, first_name: 'A' },
      { id: 2, first_name: 'B', blocked: true },
    ]);
    const file = await addFile(api.db, {
      file_id: 'f',
      file_unique_id: 'u',
      file_name: 'a.pdf',
      mime_type: 'application/pdf',
      title: 'Grammar',
      type: 'document',
      size: 10,
      thumbnail_file_id: null,
      processed_file_id: null,
      added_by: 1,
    });
    await recordDownload(api.db, 1, file.id);
    await recordDownload(api.db, 2, file.id);
  });
  after(() => api.close());

  it('gives the /stats figures', async () => {
    const stats = (await call(api, 'viewer', 'GET', '/api/stats')).json();
    assert.equal(stats.users.total, 2);
    assert.equal(stats.users.blocked, 1);
    assert.equal(stats.files, 1);
    assert.deepEqual(stats.downloads, { total: 2, today: 2 });
    assert.deepEqual(stats.top, [{ id: 1, title: 'Grammar', downloads: 2 }]);
  });

  it('gives downloads per day, today last, zeros for quiet days', async () => {
    const response = await call(api, 'viewer', 'GET', '/api/stats/downloads?days=3');
    const { days } = response.json();
    assert.equal(days.length, 3);
    assert.equal(days[2].date, new Date().toISOString().slice(0, 10));
    assert.equal(days[2].downloads, 2);
    assert.deepEqual([days[0].downloads, days[1].downloads], [0, 0]);
    assert.equal((await call(api, 'viewer', 'GET', '/api/stats/downloads')).json().days.length, 30);
    const bad = await call(api, 'viewer', 'GET', '/api/stats/downloads?days=0');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.json().message, /^querystring\/days must be >= 1/);
  });
});
