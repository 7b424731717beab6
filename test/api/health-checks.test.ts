import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordHealth } from '../../src/db/health.js';
import { buildApi, type TestApi } from './helper.js';
import { call } from './resources.js';

interface HealthItem {
  id: number;
  level: string;
  source: string;
  message: string;
  context: unknown;
  createdAt: number;
}

describe('GET /api/health-checks', () => {
  let api: TestApi;

  before(async () => {
    api = await buildApi();
    for (let n = 1; n <= 5; n++) {
      await recordHealth(api.db, {
        level: n === 5 ? 'warn' : 'error',
        source: 'handler',
        message: `failure ${n}`,
        context: n === 5 ? { updateId: 55 } : undefined,
      });
    }
  });
  after(() => api.close());

  it('lists the recorded events newest first, a page at a time, context parsed', async () => {
    const page = async (n: number) => {
      const response = await call(api, 'admin', 'GET', `/api/health-checks?page=${n}&pageSize=2`);
      assert.equal(response.statusCode, 200);
      return response.json<{
        items: HealthItem[];
        total: number;
        page: number;
        pageSize: number;
      }>();
    };
    const first = await page(1);
    assert.deepEqual(
      { total: first.total, page: first.page, pageSize: first.pageSize },
      { total: 5, page: 1, pageSize: 2 },
    );
    assert.deepEqual(
      first.items.map((item) => [item.level, item.message, item.context]),
      [
        ['warn', 'failure 5', { updateId: 55 }],
        ['error', 'failure 4', null],
      ],
    );
    assert.ok(Math.abs((first.items[0]?.createdAt ?? 0) - Date.now()) < 60_000);
    const last = await page(3);
    assert.deepEqual(
      last.items.map((item) => item.message),
      ['failure 1'],
    );
  });
});
