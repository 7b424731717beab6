import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { refusedType, withSuffix } from '../../../src/library/file-types.js';
import { formatSize } from '../../../src/library/format.js';

describe('file types and titles', () => {
  it('keeps to the allowed list, by extension or, without one, by MIME type', () => {
    assert.equal(refusedType('setup.EXE', 'application/octet-stream'), '.exe');
    assert.equal(refusedType('install.sh', undefined), '.sh');
    assert.equal(refusedType('tool.py', 'text/x-python'), '.py');
    assert.equal(refusedType('Grammar.PDF', 'application/octet-stream'), undefined);
    assert.equal(refusedType('lesson 1.mp3', 'audio/mpeg'), undefined);
    assert.equal(refusedType(undefined, 'audio/mpeg'), undefined);
    assert.equal(refusedType(undefined, 'application/x-msdownload'), 'application/x-msdownload');
    assert.equal(refusedType(undefined, undefined), 'unknown');
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
