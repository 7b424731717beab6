import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { downloadsPerDay } from '../../db/downloads.js';
import { libraryStats } from '../../library/catalogue.js';
import { ErrorResponse } from '../schemas/common.js';

const Count = Type.Integer({ minimum: 0 });
const Stats = Type.Object(
  {
    users: Type.Object(
      { total: Count, active: Count, blocked: Count },
      { additionalProperties: false },
    ),
    files: Count,
    downloads: Type.Object({ total: Count, today: Count }, { additionalProperties: false }),
    top: Type.Array(
      Type.Object(
        { id: Type.Integer(), title: Type.String(), downloads: Count },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const DailyDownloads = Type.Object(
  {
    days: Type.Array(
      Type.Object(
        { date: Type.String({ format: 'date' }), downloads: Count },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

/** The /stats figures, and downloads per day. */
const stats: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/stats',
    {
      onRequest: app.requirePermission('read'),
      schema: {
        tags: ['stats'],
        summary: 'Users, files, downloads and the top files, as /stats shows them',
        response: { 200: Stats, ...errors },
      },
    },
    () => libraryStats(app.db),
  );

  app.get(
    '/api/stats/downloads',
    {
      onRequest: app.requirePermission('read'),
      schema: {
        tags: ['stats'],
        summary: 'Downloads per day (UTC), oldest first, today included',
        querystring: Type.Object(
          { days: Type.Integer({ minimum: 1, maximum: 366, default: 30 }) },
          { additionalProperties: false },
        ),
        response: { 200: DailyDownloads, ...errors },
      },
    },
    async (request) => ({ days: await downloadsPerDay(app.db, request.query.days) }),
  );
};

export default stats;
