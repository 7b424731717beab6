import { randomBytes, randomUUID } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config.js';

/**
 * The key that signs the API's tokens: JWT_SECRET, or one generated at the first start and
 * kept in DATA_DIR/jwt-secret (mode 0600), so every process and restart shares it.
 */
export function resolveJwtSecret(config: Config): string {
  if (config.api.jwtSecret) return config.api.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  const existing = readSecret(file);
  if (existing) return existing;
  mkdirSync(config.dataDir, { recursive: true });
  // Written in full under a temporary name, then linked into place: link never overwrites,
  // so when several processes start at once exactly one file wins and all read that one.
  const temporary = `${file}.${randomUUID()}.tmp`;
  writeFileSync(temporary, randomBytes(48).toString('base64url'), { mode: 0o600 });
  try {
    linkSync(temporary, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    unlinkSync(temporary);
  }
  const secret = readSecret(file);
  if (!secret) throw new Error(`${file} is empty; delete it to generate a new secret`);
  return secret;
}

function readSecret(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
