import { STATUS_CODES } from 'node:http';
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';

/** The one error shape: `{ statusCode, error, message }`. */
function body(statusCode: number, message: string) {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

/**
 * Every error in one shape. A client error keeps its message (validation names the field);
 * a server error says only its status, and the details go to the log with the request id.
 */
export default fp(
  async (fastify) => {
    fastify.setErrorHandler((error: FastifyError, request, reply) => {
      const code = error.statusCode ?? 500;
      const statusCode = code >= 400 && code < 600 ? code : 500;
      if (statusCode >= 500) {
        request.log.error({ err: error }, 'request failed');
        return reply.code(statusCode).send(body(statusCode, STATUS_CODES[statusCode] ?? 'Error'));
      }
      request.log.info({ statusCode, reason: error.message }, 'request refused');
      return reply.code(statusCode).send(body(statusCode, error.message));
    });
    fastify.setNotFoundHandler((request, reply) =>
      reply.code(404).send(body(404, `no route ${request.method} ${request.url.split('?')[0]}`)),
    );
  },
  { name: 'errors' },
);
