import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { listAudit } from '../../db/audit.js';
import { ErrorResponse, Paged, PageQuery, pageWindow } from '../schemas/common.js';

const AuditItem = Type.Object(
  {
    id: Type.Integer(),
    accountId: Type.Integer(),
    username: Type.String(),
    action: Type.String({ description: 'e.g. files.update' }),
    objectType: Type.String(),
    objectId: Type.Union([Type.String(), Type.Null()]),
    before: Type.Unknown({ description: 'the object before the change (JSON), or null' }),
    after: Type.Unknown({ description: 'the object after the change (JSON), or null' }),
    createdAt: Type.Integer({ description: 'Unix milliseconds' }),
  },
  { additionalProperties: false },
);

/** GET /api/audit: every change made through the API, newest first. */
const audit: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/api/audit',
    {
      onRequest: fastify.requirePermission('audit:read'),
      schema: {
        tags: ['audit'],
        querystring: PageQuery,
        response: {
          200: Paged(AuditItem),
          400: ErrorResponse,
          401: ErrorResponse,
          403: ErrorResponse,
        },
      },
    },
    async (request) => ({
      ...(await listAudit(fastify.db, pageWindow(request.query))),
      ...request.query,
    }),
  );
};

export default audit;
