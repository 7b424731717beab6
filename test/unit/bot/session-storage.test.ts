import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { FileAdapter } from '@grammyjs/storage-file';
import pino from 'pino';
import { AtomicFileAdapter, sessionPath } from '../../../src/bot/session-storage.js';

describe('AtomicFileAdapter', () => {
  let dir: string;
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sessions-'));
    warnings.length = 0;
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('keeps the storage-file layout, so the plain adapter reads what it wrote', async () => {
    const adapter = new AtomicFileAdapter<{ step: string }>(dir, logger);
    await adapter.write('4242', { step: 'title' });
    assert.deepEqual(await new FileAdapter({ dirName: dir }).read('4242'), { step: 'title' });
    assert.deepEqual(JSON.parse(await readFile(sessionPath(dir, '4242'), 'utf8')), {
      step: 'title',
    });
  });

  it('never lets a reader see a half-written session', async () => {
    const adapter = new AtomicFileAdapter<{ words: string[] }>(dir, logger);
    const big = (n: number) => ({ words: Array.from({ length: 50_000 }, (_, i) => `w${n}-${i}`) });
    await adapter.write('55', big(0));
    let writing = true;
    const reads: (number | undefined)[] = [];
    const reader = (async () => {
      while (writing) reads.push((await adapter.read('55'))?.words.length);
    })();
    for (let n = 1; n <= 15; n++) await adapter.write('55', big(n));
    writing = false;
    await reader;
    assert.ok(reads.length > 0);
    assert.deepEqual(new Set(reads), new Set([50_000]));
    assert.deepEqual(warnings, []);
  });

  it('replaces the file whole and leaves no temporary files behind', async () => {
    const adapter = new AtomicFileAdapter<{ n: number }>(dir, logger);
    await Promise.all(Array.from({ length: 20 }, (_, n) => adapter.write('77', { n })));
    const value = await adapter.read('77');
    assert.ok(value && value.n >= 0 && value.n < 20);
    assert.deepEqual(await readdir(dirname(sessionPath(dir, '77'))), ['77.json']);
  });

  it('resets a torn session with a warning instead of failing every read', async () => {
    const adapter = new AtomicFileAdapter<{ step: string }>(dir, logger);
    await adapter.write('99', { step: 'file' });
    await writeFile(sessionPath(dir, '99'), '{"step": "fi');
    assert.equal(await adapter.read('99'), undefined);
    assert.equal(warnings.length, 1);
    assert.match(warnings[0] ?? '', /unreadable session file/);
    await adapter.write('99', { step: 'tags' });
    assert.deepEqual(await adapter.read('99'), { step: 'tags' });
  });
});
