import type { Readiness } from '../../src/ops/heartbeat.js';
import { eventually } from './harness.js';

/** An answer of the admin API: its status and its JSON body. */
export interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

/**
 * Sends JSON to the admin API at `base` with the token, as a script or a tool would; `token`
 * is the login's, for a test that writes its own requests.
 */
export type ApiRequest = ((
  method: string,
  path: string,
  body?: unknown,
  base?: string,
) => Promise<ApiAnswer>) & { readonly token: string };

/** Logs in over HTTP and returns a request function that carries the token. */
export async function apiClient(
  base: string,
  username: string,
  password: string,
): Promise<ApiRequest> {
  const send = async (url: string, method: string, body: unknown, token?: string) => {
    const response = await fetch(url, {
      method,
      headers: {
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    // A 204 has no body.
    return { status: response.status, body: text ? (JSON.parse(text) as ApiAnswer['body']) : {} };
  };
  const login = await send(`${base}/api/auth/login`, 'POST', { username, password });
  if (login.status !== 200) throw new Error(`login failed: ${JSON.stringify(login)}`);
  const token = String(login.body.token);
  const request = (method: string, path: string, body?: unknown, url = base) =>
    send(`${url}${path}`, method, body, token);
  return Object.assign(request, { token });
}

/**
 * Waits (up to 40 s) until GET /health/ready at `base` answers `status` with exactly these
 * parts failing; resolves with its body.
 */
export function untilReadiness(
  base: string,
  status: number,
  failing: string[],
  what: string,
): Promise<Readiness> {
  return eventually(
    async () => {
      const response = await fetch(`${base}/health/ready`);
      const body = (await response.json()) as Readiness;
      return response.status === status && JSON.stringify(body.failing) === JSON.stringify(failing)
        ? body
        : undefined;
    },
    what,
    40_000,
  );
}
