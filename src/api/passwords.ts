import { hash, verify } from '@node-rs/argon2';

// @node-rs/argon2 defaults to argon2id (m=19 MiB, t=2, p=1: OWASP's recommendation).

/** An argon2id hash of `password`; it stays in the database and never leaves the server. */
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

// Verified against when the username is unknown, so that answer takes as long as a wrong
// password and does not tell which usernames exist.
let dummy: Promise<string> | undefined;

/** Whether `password` matches `stored`; with no stored hash, spends the same time and fails. */
export async function checkPassword(
  stored: string | undefined,
  password: string,
): Promise<boolean> {
  if (stored === undefined) {
    dummy ??= hash('not a password of anyone');
    await verify(await dummy, password);
    return false;
  }
  return verify(stored, password);
}
