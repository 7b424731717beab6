import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { claimBroadcast, markRecipient } from '../../src/db/broadcasts.js';
import { buildApi, type TestApi } from './helper.js';
import { addUsers, auditRows, call } from './resources.js';

describe('/api/broadcasts', () => {
  let api: TestApi;
  before(async () => {
    api = await buildApi();
    await addUsers(api, [
      { id: 1, first_name: 'A' },
      { id: 2, first_name: 'B' },
      { id: 3, first_name: 'C', blocked: true },
      { id: 4, first_name: 'D', banned: true },
    ]);
  });
  after(() => api.close());

  const count = async () => (await api.db.selectFrom('broadcasts').select('id').execute()).length;

  it('queues a text at once for every reachable user, audited', async () => {
    const response = await call(api, 'admin', 'POST', '/api/broadcasts', {
      text: 'Hello all',
      entities: [{ type: 'bold', offset: 0, length: 5 }],
    });
    assert.equal(response.statusCode, 201);
    const created = response.json();
    assert.equal(created.status, 'queued');
    assert.deepEqual(created.entities, [{ type: 'bold', offset: 0, length: 5 }]);
    assert.deepEqual(created.recipients, {
      total: 2,
      pending: 2,
      sent: 0,
      blocked: 0,
      failed: 0,
      unknown: 0,
    });
    assert.equal(created.progress, 0);
    const [row] = await auditRows(api, 'broadcasts.create');
    assert.equal(row?.object_id, String(created.id));
    assert.equal(row?.after.text, 'Hello all');

    // The bot's actor claims the row and reports progress through the same counts.
    const claimed = await claimBroadcast(api.db);
    assert.equal(claimed?.id, created.id);
    await markRecipient(api.db, created.id, 1, 'sent');
    const progress = (await call(api, 'viewer', 'GET', `/api/broadcasts/${created.id}`)).json();
    assert.equal(progress.status, 'running');
    assert.deepEqual(progress.recipients, {
      total: 2,
      pending: 1,
      sent: 1,
      blocked: 0,
      failed: 0,
      unknown: 0,
    });
    assert.equal(progress.progress, 0.5);
  });

  it('queues a copy of a message and a text with parseMode', async () => {
    const copy = await call(api, 'admin', 'POST', '/api/broadcasts', {
      fromChatId: 42,
      messageId: 7,
    });
    assert.equal(copy.statusCode, 201);
    assert.deepEqual([copy.json().fromChatId, copy.json().messageId], [42, 7]);
    const html = await call(api, 'admin', 'POST', '/api/broadcasts', {
      text: '<b>Hi</b>',
      parseMode: 'HTML',
    });
    assert.equal(html.json().parseMode, 'HTML');
    const list = (await call(api, 'viewer', 'GET', '/api/broadcasts?pageSize=2')).json();
    assert.equal(list.total, 3);
    assert.deepEqual(
      list.items.map((item: { id: number }) => item.id),
      [html.json().id, copy.json().id],
    );
  });

  it('refuses bad broadcasts in the one error shape and stores nothing', async () => {
    const before = await count();
    const cases: [object | string, RegExp][] = [
      [{}, /^body must have text, or fromChatId and messageId$/],
      [{ text: '' }, /^body\/text must NOT have fewer than 1 characters/i],
      [{ text: 5 }, /^body\/text must be string/],
      [{ text: 'x'.repeat(4097) }, /^body\/text must NOT have more than 4096 characters/i],
      [{ text: 'hi', fromChatId: 1, messageId: 2 }, /^body has text and a message to copy/],
      [{ text: 'hi', parseMode: 'BBCode' }, /^body\/parseMode must be one of/],
      [{ text: 'hi', colour: 'red' }, /^body must not have additional properties: colour/],
      [
        { text: 'hi', entities: [{ type: 'bold', offset: 1, length: 5 }] },
        /^body\/entities\/0 runs past the end of the text/,
      ],
      [
        { text: 'hi', entities: [{ type: 'bold', offset: 0, length: 1 }], parseMode: 'HTML' },
        /^body\/entities and body\/parseMode cannot be used together/,
      ],
      [{ fromChatId: '42x', messageId: 1 }, /^body\/fromChatId must be integer/],
      [{ fromChatId: 42 }, /^body must have text, or fromChatId and messageId$/],
      [
        { fromChatId: 42, messageId: 1, parseMode: 'HTML' },
        /^body\/entities and body\/parseMode go with text/,
      ],
      ['{"text": "hi"', /^Body is not valid JSON/i],
    ];
    for (const [payload, message] of cases) {
      const response = await call(api, 'admin', 'POST', '/api/broadcasts', payload, {
        'content-type': 'application/json',
      });
      assert.equal(response.statusCode, 400, JSON.stringify(payload));
      assert.deepEqual(Object.keys(response.json()), ['statusCode', 'error', 'message']);
      assert.match(response.json().message, message, JSON.stringify(payload));
    }
    assert.equal(await count(), before);
  });

  it('cancels a queued or running broadcast once, audited', async () => {
    const { id } = (await call(api, 'admin', 'POST', '/api/broadcasts', { text: 'bye' })).json();
    const cancelled = await call(api, 'admin', 'POST', `/api/broadcasts/${id}/cancel`);
    assert.equal(cancelled.statusCode, 200);
    assert.equal(cancelled.json().status, 'cancelled');
    const again = await call(api, 'admin', 'POST', `/api/broadcasts/${id}/cancel`);
    assert.equal(again.statusCode, 409);
    assert.match(again.json().message, /is cancelled: only a queued or running one/);
    assert.equal((await call(api, 'admin', 'POST', '/api/broadcasts/999/cancel')).statusCode, 404);
    assert.equal((await auditRows(api, 'broadcasts.cancel')).length, 1);
  });
});
