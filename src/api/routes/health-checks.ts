import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listHealth } from '../../db/health.js';
import { ErrorResponse, Paged, PageQuery, pageWindow } from '../schemas/common.js';

const HealthItem = Type.Object(
  {
    id: Type.Integer(),
    level: Type.Union([Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
    source: Type.String({ description: 'where it happened, e.g. handler or processing' }),
    message: Type.String(),
    context: Type.Unknown({ description: 'details (JSON), or null' }),
    createdAt: Type.Integer({ description: 'Unix milliseconds' }),
  },
  { additionalProperties: false },
);

/** GET /api/health-checks: the errors and events the bot recorded, newest first. */
const healthChecks: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/health-checks',
    {
      onRequest: fastify.requirePermission('health:read'),
      schema: {
        tags: ['health'],
        querystring: PageQuery,
        response: {
          200: Paged(HealthItem),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => ({
      ...(await listHealth(fastify.db, pageWindow(request.query))),
      ...request.query,
    }),
  );
};

export default healthChecks;
