import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clip, MAX_SHOWN_LENGTH } from '../../../src/bot/text-limits.js';

describe('text limits', () => {
  it('keeps a text that fits and cuts a longer one with an ellipsis', () => {
    assert.equal(clip('Grammar'), 'Grammar');
    const exact = 'a'.repeat(MAX_SHOWN_LENGTH);
    assert.equal(clip(exact), exact);
    const cut = clip('b'.repeat(MAX_SHOWN_LENGTH + 1));
    assert.equal(cut.length, MAX_SHOWN_LENGTH);
    assert.ok(cut.endsWith('b…'));
    assert.equal(clip('abcdef', 4), 'abc…');
  });

  it('never splits an emoji', () => {
    // 'ab' then an emoji (two UTF-16 units): cutting to 4 would keep half of it.
    assert.equal(clip('ab😀cd', 4), 'ab…');
    assert.equal(clip('ab😀cd', 5), 'ab😀…');
  });
});
