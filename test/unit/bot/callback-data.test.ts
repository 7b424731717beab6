import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkSubscriptionData,
  createCallbackData,
  downloadData,
  pageData,
} from '../../../src/bot/callback-data.js';

describe('callback data', () => {
  it('packs and unpacks typed fields in the formats buttons already in chats carry', () => {
    assert.equal(downloadData.pack({ id: 42 }), 'dl:42');
    assert.deepEqual(downloadData.unpack('dl:42'), { id: 42 });
    assert.equal(pageData.pack({ page: 3, key: 'Ab-_9' }), 'page:3:Ab-_9');
    assert.deepEqual(pageData.unpack('page:3:Ab-_9'), { page: 3, key: 'Ab-_9' });
    assert.equal(checkSubscriptionData.pack({}), 'sub:check');
  });

  it("matches only its own kind's data", () => {
    assert.ok(downloadData.filter.test('dl:7'));
    assert.ok(!downloadData.filter.test('dl:7:8'));
    assert.ok(!downloadData.filter.test('del:7'));
    assert.ok(!downloadData.filter.test('xdl:7'));
    assert.throws(() => downloadData.unpack('del:7'), /is not dl/);
  });

  it('refuses values that would not read back or would pass 64 bytes', () => {
    assert.throws(() => downloadData.pack({ id: -1 }), /does not fit/);
    assert.throws(() => downloadData.pack({ id: 1.5 }), /does not fit/);
    assert.throws(() => pageData.pack({ page: 1, key: 'a:b' }), /does not fit/);
    assert.throws(() => pageData.pack({ page: 1, key: '' }), /does not fit/);
    const long = createCallbackData('x', { text: 'str' });
    assert.equal(long.pack({ text: 'a'.repeat(62) }).length, 64);
    assert.throws(() => long.pack({ text: 'a'.repeat(63) }), /does not fit/);
    // Bytes, not characters: Cyrillic letters take two.
    assert.throws(() => long.pack({ text: 'я'.repeat(32) }), /does not fit/);
  });
});
