import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../../db/audit.js';
import {
  deleteFile,
  findFile,
  listFiles,
  reprocessFile,
  updateFileDetails,
} from '../../db/files.js';
import { withSuffix } from '../../library/file-types.js';
import { SearchUnavailableError } from '../../library/search-pool.js';
import { timed } from '../../ops/metrics.js';
import { environmentSettings, readSettings } from '../../settings.js';
import { ApiError } from '../errors.js';
import { ErrorResponse, IdParams, Paged, pageWindow } from '../schemas/common.js';
import { FileChange, FileItem, FileQuery, fileItem } from '../schemas/files.js';

const notFound = (id: number) => new ApiError(404, `file ${id} not found`);
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };
/** How long a client should wait before asking again when no search thread answered in time. */
const SEARCH_RETRY_SECONDS = 1;

/** The library: search or list, read, edit, delete, reprocess. */
const files: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app;
  const defaults = environmentSettings(app.deps.config);
  /** A new title as the upload dialog makes it: with TITLE_SUFFIX as it is in force now. */
  const newTitle = async (title: string) =>
    withSuffix(title.trim(), (await readSettings(db, defaults)).values.titleSuffix);

  app.get(
    '/api/files',
    {
      onRequest: app.requirePermission('read'),
      schema: {
        tags: ['files'],
        summary: 'Search the library as the bot does, or list it newest first',
        querystring: FileQuery,
        response: { 200: Paged(FileItem), 503: ErrorResponse, ...errors },
      },
    },
    async (request, reply) => {
      const { q, type, page, pageSize } = request.query;
      if (q?.trim()) {
        const result = await timed(app.deps.metrics.searchSeconds, { source: 'api' }, () =>
          app.deps.search(q, { page, pageSize, type, clamp: false }),
        ).catch((error: unknown) => {
          if (!(error instanceof SearchUnavailableError)) throw error;
          reply.header('retry-after', String(SEARCH_RETRY_SECONDS));
          throw new ApiError(503, 'the search is busy; try again');
        });
        return { items: result.items.map(fileItem), total: result.total, page, pageSize };
      }
      const { items, total } = await listFiles(db, { ...pageWindow(request.query), type });
      return { items: items.map(fileItem), total, page, pageSize };
    },
  );

  app.get(
    '/api/files/:id',
    {
      onRequest: app.requirePermission('read'),
      schema: { tags: ['files'], params: IdParams, response: { 200: FileItem, ...errors } },
    },
    async (request) => {
      const file = await findFile(db, request.params.id);
      if (!file) throw notFound(request.params.id);
      return fileItem(file);
    },
  );

  app.patch(
    '/api/files/:id',
    {
      onRequest: app.requirePermission('files:write'),
      schema: {
        tags: ['files'],
        summary: 'Change the title and/or tags; search follows at once',
        description:
          'TITLE_SUFFIX is appended to a new title as in the upload dialog, and the renamed copy is made again.',
        params: IdParams,
        body: FileChange,
        response: { 200: FileItem, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const title = request.body.title && (await newTitle(request.body.title));
      const updated = await db.transaction().execute(async (trx) => {
        const before = await findFile(trx, id);
        if (!before) throw notFound(id);
        let after = await updateFileDetails(trx, id, { title, tags: request.body.tags });
        // The processed copy is named after the title: make it again under the new one.
        if (after && title !== undefined && title !== before.title) {
          after = await reprocessFile(trx, id);
        }
        if (!after) throw notFound(id);
        await recordAudit(trx, {
          accountId: request.account.id,
          action: 'files.update',
          objectType: 'file',
          objectId: id,
          before: fileItem(before),
          after: fileItem(after),
        });
        return after;
      });
      return fileItem(updated);
    },
  );

  app.delete(
    '/api/files/:id',
    {
      onRequest: app.requirePermission('files:write'),
      schema: {
        tags: ['files'],
        summary: 'Delete a file: it leaves search at once',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      await db.transaction().execute(async (trx) => {
        const before = await findFile(trx, id);
        if (!before || !(await deleteFile(trx, id))) throw notFound(id);
        await recordAudit(trx, {
          accountId: request.account.id,
          action: 'files.delete',
          objectType: 'file',
          objectId: id,
          before: fileItem(before),
          after: null,
        });
      });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/files/:id/reprocess',
    {
      onRequest: app.requirePermission('files:write'),
      schema: {
        tags: ['files'],
        summary: 'Make the renamed copy with the current default thumbnail again',
        params: IdParams,
        response: { 202: FileItem, ...errors },
      },
    },
    async (request, reply) => {
      const { id } = request.params;
      const file = await db.transaction().execute(async (trx) => {
        const before = await findFile(trx, id);
        const after = before && (await reprocessFile(trx, id));
        if (!before || !after) throw notFound(id);
        await recordAudit(trx, {
          accountId: request.account.id,
          action: 'files.reprocess',
          objectType: 'file',
          objectId: id,
          before: fileItem(before),
          after: fileItem(after),
        });
        return after;
      });
      return reply.code(202).send(fileItem(file));
    },
  );
};

export default files;
