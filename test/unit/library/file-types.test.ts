import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { blockedType, parseTags, withSuffix } from '../../../src/library/file-types.js';
import { formatSize } from '../../../src/library/format.js';

describe('file types, tags and titles', () => {
  it('refuses programs and scripts by extension or MIME type', () => {
    assert.equal(blockedType('setup.EXE', 'application/octet-stream'), '.exe');
    assert.equal(blockedType('install.sh', undefined), '.sh');
    assert.equal(
      blockedType('app', 'application/vnd.android.package-archive'),
      'application/vnd.android.package-archive',
    );
    assert.equal(blockedType('Grammar.pdf', 'application/pdf'), undefined);
    assert.equal(blockedType(undefined, 'audio/mpeg'), undefined);
  });

  it('parses tags: trimmed, lower-cased, no empties or repeats', () => {
    assert.deepEqual(parseTags(' Grammar, A1 ,grammar,, English '), ['grammar', 'a1', 'english']);
    assert.deepEqual(parseTags(' , '), []);
  });

  it('appends the title suffix once', () => {
    assert.equal(withSuffix('Grammar', ' - PrimeLingoBot'), 'Grammar - PrimeLingoBot');
    assert.equal(
      withSuffix('Grammar - primelingobot', ' - PrimeLingoBot'),
      'Grammar - primelingobot',
    );
  });

  it('formats sizes for people', () => {
    assert.equal(formatSize(532), '532 B');
    assert.equal(formatSize(1536), '1.5 KB');
    assert.equal(formatSize(30 * 1024 * 1024), '30 MB');
    assert.equal(formatSize(2000 * 1024 * 1024), '2 GB');
  });
});
