import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Metrics, scrapeAllowed } from './metrics.js';

/** A listening metrics server. */
export interface MetricsServer {
  /** Where it listens, with the port it was given (METRICS_PORT=0: a free one). */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves `GET /metrics` (and nothing else) on host:port with node:http alone, so a bot-only
 * process (APP_ROLE=bot) can be scraped without loading Fastify.
 */
export async function serveMetrics(
  { registry }: Pick<Metrics, 'registry'>,
  options: { host: string; port: number; token: string | undefined },
): Promise<MetricsServer> {
  const answer = async (request: IncomingMessage, response: ServerResponse) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics') return response.writeHead(404).end();
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return response.writeHead(405, { allow: 'GET, HEAD' }).end();
    }
    if (!scrapeAllowed(options.token, request.headers.authorization)) {
      return response.writeHead(401, { 'www-authenticate': 'Bearer' }).end();
    }
    const text = await registry.metrics();
    response.writeHead(200, { 'content-type': registry.contentType }).end(text);
  };
  const server = createServer((request, response) => {
    answer(request, response).catch(() => response.writeHead(500).end());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { address, family, port } = server.address() as AddressInfo;
  return {
    url: `http://${family === 'IPv6' ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper's keep-alive connection would hold close() up until it times out.
        server.closeAllConnections();
      }),
  };
}
