import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { resolveJwtSecret } from '../../src/api/secret.js';
import { loadConfig } from '../../src/config.js';
import { inTree, LOADER } from '../paths.js';

const SECRET_MODULE = pathToFileURL(inTree('src/api/secret.ts')).href;

/** Runs resolveJwtSecret in a separate Node process, as a second API process would. */
function resolveInChild(dataDir: string, at: number): Promise<string> {
  // Loaded first, then every child spins until the same millisecond: the calls come together.
  const code = `
    const { resolveJwtSecret } = await import(${JSON.stringify(SECRET_MODULE)});
    while (Date.now() < ${at});
    process.stdout.write(resolveJwtSecret({ dataDir: ${JSON.stringify(dataDir)}, api: {} }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...LOADER, '--input-type=module', '-e', code]);
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(err))));
  });
}

describe('resolveJwtSecret', () => {
  let dataDir: string;
  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'jwt-secret-'));
  });
  after(() => rm(dataDir, { recursive: true, force: true }));

  it('uses JWT_SECRET when it is set, and writes nothing', async () => {
    const secret = 'a-configured-secret-of-at-least-32-chars';
    const config = loadConfig({ BOT_TOKEN: '1:x', DATA_DIR: dataDir, JWT_SECRET: secret });
    assert.equal(resolveJwtSecret(config), secret);
    assert.deepEqual(await readdir(dataDir), []);
  });

  it('generates one secret shared by processes starting at once, kept with mode 0600', async () => {
    const at = Date.now() + 4000;
    const secrets = await Promise.all(Array.from({ length: 6 }, () => resolveInChild(dataDir, at)));
    assert.equal(new Set(secrets).size, 1, 'every process has the same secret');
    const [secret = ''] = secrets;
    assert.ok(secret.length >= 32);
    assert.deepEqual(await readdir(dataDir), ['jwt-secret'], 'no temporary file is left');
    assert.equal((await stat(join(dataDir, 'jwt-secret'))).mode & 0o777, 0o600);
    // A restart reads it back.
    const config = loadConfig({ BOT_TOKEN: '1:x', DATA_DIR: dataDir });
    assert.equal(resolveJwtSecret(config), secret);
  });
});
