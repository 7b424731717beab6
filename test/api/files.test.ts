import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addFile, findFile } from '../../src/db/files.js';
import { searchFiles } from '../../src/library/search.js';
import { SearchUnavailableError } from '../../src/library/search-pool.js';
import { buildApi, type TestApi } from './helper.js';
import { auditRows, call } from './resources.js';

const file = (title: string, type: 'document' | 'audio' | 'video', tags: string[] = []) => ({
  file_id: `id-${title}`,
  file_unique_id: `u-${title}`,
  file_name: `${title}.pdf`,
  mime_type: 'application/pdf',
  title,
  type,
  size: 1000,
  thumbnail_file_id: null,
  processed_file_id: `processed-${title}`,
  added_by: 1,
  tags,
});

describe('/api/files', () => {
  let api: TestApi;
  let grammar: number;
  before(async () => {
    api = await buildApi();
    grammar = (await addFile(api.db, file('English Grammar', 'document', ['english']))).id;
    await addFile(api.db, file('Grammar Podcast', 'audio'));
    await addFile(api.db, file('Ўзбек тили', 'video'));
  });
  after(() => api.close());

  it('searches as the bot does, with the type filter and paging', async () => {
    const found = await call(api, 'viewer', 'GET', '/api/files?q=gram');
    assert.equal(found.statusCode, 200);
    assert.deepEqual(
      found
        .json()
        .items.map((item: { title: string }) => item.title)
        .sort(),
      ['English Grammar', 'Grammar Podcast'],
    );
    const audio = (await call(api, 'viewer', 'GET', '/api/files?q=gram&type=audio')).json();
    assert.deepEqual(
      audio.items.map((item: { type: string }) => item.type),
      ['audio'],
    );
    assert.equal(audio.total, 1);
    // Uzbek Latin finds Cyrillic, as in the chat.
    const uzbek = (await call(api, 'viewer', 'GET', "/api/files?q=o'zbek")).json();
    assert.equal(uzbek.items[0].title, 'Ўзбек тили');
    const all = (await call(api, 'viewer', 'GET', '/api/files?page=2&pageSize=2')).json();
    assert.deepEqual(
      { total: all.total, page: all.page, pageSize: all.pageSize },
      {
        total: 3,
        page: 2,
        pageSize: 2,
      },
    );
    assert.equal(all.items.length, 1);
    const beyond = (await call(api, 'viewer', 'GET', '/api/files?q=gram&page=9')).json();
    assert.deepEqual(beyond.items, []);
    for (const page of ['1e300', '99999999999999999999', '0']) {
      const deep = await call(api, 'viewer', 'GET', `/api/files?page=${page}`);
      assert.equal(deep.statusCode, 400, page);
      assert.match(deep.json().message, /^querystring\/page must be/);
    }
  });

  it('reads one file, and 404s or 400s on ids that are not there or not ids', async () => {
    const one = await call(api, 'viewer', 'GET', `/api/files/${grammar}`);
    assert.equal(one.json().title, 'English Grammar');
    assert.deepEqual(one.json().tags, ['english']);
    assert.equal(one.json().processed, true);
    const missing = await call(api, 'viewer', 'GET', '/api/files/999');
    assert.deepEqual(missing.json(), {
      statusCode: 404,
      error: 'Not Found',
      message: 'file 999 not found',
    });
    for (const url of [
      '/api/files/abc',
      '/api/files/..%2F..%2Fetc%2Fpasswd',
      '/api/files/1%20OR%201=1',
      '/api/files/0',
    ]) {
      const response = await call(api, 'viewer', 'GET', url);
      assert.equal(response.statusCode, 400, url);
      assert.match(response.json().message, /^params\/id must be/, url);
    }
    const traversal = await call(api, 'viewer', 'GET', '/api/files/../../etc/passwd');
    assert.equal(traversal.statusCode, 404);
    assert.deepEqual(Object.keys(traversal.json()), ['statusCode', 'error', 'message']);
  });

  it('edits the title and tags: search follows at once, the copy is made again, audited', async () => {
    const response = await call(api, 'editor', 'PATCH', `/api/files/${grammar}`, {
      title: 'Phrasal Verbs',
      tags: ['Verbs', ' idioms '],
    });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().title, 'Phrasal Verbs - PrimeLingoBot');
    assert.deepEqual(response.json().tags, ['verbs', 'idioms']);
    assert.equal(response.json().processed, false);
    const found = await searchFiles(api.db, 'phrasal');
    assert.deepEqual(
      found.items.map((item) => item.id),
      [grammar],
    );
    assert.equal((await searchFiles(api.db, 'idioms')).total, 1);
    assert.equal((await searchFiles(api.db, 'english')).total, 0);
    const job = await api.db
      .selectFrom('processing_jobs')
      .select('status')
      .where('file_id', '=', grammar)
      .executeTakeFirst();
    assert.equal(job?.status, 'queued');
    const [row] = await auditRows(api, 'files.update');
    assert.equal(row?.account_id, api.accountId('editor'));
    assert.equal(row?.object_id, String(grammar));
    assert.equal(row?.before.title, 'English Grammar');
    assert.equal(row?.after.title, 'Phrasal Verbs - PrimeLingoBot');
  });

  it('refuses bad edits in the one error shape and changes nothing', async () => {
    const before = await findFile(api.db, grammar);
    const cases: [object | string, RegExp, Record<string, string>?][] = [
      [{}, /^body must NOT have fewer than 1 properties/i],
      [{ title: '' }, /^body\/title must NOT have fewer than 1 characters/i],
      [{ title: 'x'.repeat(201) }, /^body\/title must NOT have more than 200 characters/i],
      [{ title: 42 }, /^body\/title must be string/],
      [{ title: '   ' }, /^body\/title must match pattern/],
      [{ tags: 'a,b' }, /^body\/tags must be array/],
      [{ title: 'ok', owner: 'me' }, /^body must not have additional properties: owner/],
      [{ title: "x'); DROP TABLE files; --" }, /.*/],
      ['{"title": ', /^Body is not valid JSON/i, { 'content-type': 'application/json' }],
    ];
    for (const [payload, message, headers] of cases) {
      const response = await call(
        api,
        'editor',
        'PATCH',
        `/api/files/${grammar}`,
        payload,
        headers,
      );
      if (
        typeof payload === 'object' &&
        'title' in payload &&
        String(payload.title).includes('DROP')
      ) {
        // Stored as a title like any other: nothing is read as SQL.
        assert.equal(response.statusCode, 200);
        assert.equal((await api.db.selectFrom('files').select('id').execute()).length, 3);
        continue;
      }
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.deepEqual(Object.keys(response.json()), ['statusCode', 'error', 'message']);
      assert.match(response.json().message, message);
    }
    const oversized = await call(api, 'editor', 'PATCH', `/api/files/${grammar}`, {
      title: 'x',
      tags: ['y'.repeat(2 * 1024 * 1024)],
    });
    assert.equal(oversized.statusCode, 413);
    assert.equal(oversized.json().statusCode, 413);
    const afterAll = await findFile(api.db, grammar);
    assert.equal(afterAll?.tags, before?.tags);
  });

  it('reprocesses and deletes, audited; a deleted file leaves search', async () => {
    const podcast = (await searchFiles(api.db, 'podcast')).items[0];
    assert.ok(podcast);
    const again = await call(api, 'editor', 'POST', `/api/files/${podcast.id}/reprocess`);
    assert.equal(again.statusCode, 202);
    assert.equal(again.json().processed, false);
    assert.equal((await auditRows(api, 'files.reprocess')).length, 1);

    const deleted = await call(api, 'admin', 'DELETE', `/api/files/${podcast.id}`);
    assert.equal(deleted.statusCode, 204);
    assert.equal((await searchFiles(api.db, 'podcast')).total, 0);
    assert.equal((await call(api, 'admin', 'DELETE', `/api/files/${podcast.id}`)).statusCode, 404);
    const [row] = await auditRows(api, 'files.delete');
    assert.equal(row?.before.title, 'Grammar Podcast');
    assert.equal(row?.after, null);
  });
});

describe('/api/files when no search thread answers', () => {
  let api: TestApi;
  before(async () => {
    api = await buildApi({
      search: async () => {
        throw new SearchUnavailableError('timeout');
      },
    });
    await addFile(api.db, file('English Grammar', 'document'));
  });
  after(() => api.close());

  it('answers 503 with Retry-After; the list without a query still works', async () => {
    const found = await call(api, 'viewer', 'GET', '/api/files?q=gram');
    assert.equal(found.statusCode, 503);
    assert.equal(found.headers['retry-after'], '1');
    assert.deepEqual(found.json(), {
      statusCode: 503,
      error: 'Service Unavailable',
      message: 'Service Unavailable',
    });
    const listed = await call(api, 'viewer', 'GET', '/api/files');
    assert.equal(listed.json().total, 1);
  });
});
