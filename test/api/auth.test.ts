import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildApi, PASSWORD, type TestApi } from './helper.js';

describe('POST /api/auth/login', () => {
  let api: TestApi;
  before(async () => {
    api = await buildApi();
  });
  after(() => api.close());

  it('returns a token and its lifetime for the right password', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'editor', password: PASSWORD },
    });
    assert.equal(response.statusCode, 200);
    const body = response.json<{ token: string; expiresIn: number }>();
    assert.equal(body.expiresIn, 3600);
    assert.match(body.token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('refuses a wrong password and an unknown username alike', async () => {
    for (const payload of [
      { username: 'editor', password: 'wrong password' },
      { username: 'nobody', password: PASSWORD },
    ]) {
      const response = await api.app.inject({ method: 'POST', url: '/api/auth/login', payload });
      assert.equal(response.statusCode, 401);
      assert.deepEqual(response.json(), {
        statusCode: 401,
        error: 'Unauthorized',
        message: 'wrong username or password',
      });
    }
  });
});
