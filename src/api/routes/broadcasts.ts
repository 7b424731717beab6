import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Static } from 'typebox';
import { recordAudit } from '../../db/audit.js';
import {
  type BroadcastContent,
  cancelBroadcast,
  countRecipients,
  findBroadcast,
  listBroadcasts,
  queueBroadcast,
} from '../../db/broadcasts.js';
import type { Db } from '../../db/database.js';
import type { Broadcast } from '../../db/schema.js';
import { ApiError } from '../errors.js';
import { BroadcastItem, broadcastItem, NewBroadcast } from '../schemas/broadcasts.js';
import { ErrorResponse, IdParams, Paged, PageQuery, pageWindow } from '../schemas/common.js';

const errors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
  409: ErrorResponse,
};

/**
 * Broadcasts: created over HTTP they are queued at once (no draft step) with every reachable
 * user as a recipient, and the bot's broadcast actor picks the row up within a second or two.
 */
const broadcasts: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app;
  const item = async (broadcast: Broadcast) =>
    broadcastItem(broadcast, await countRecipients(db, broadcast));

  app.post(
    '/api/broadcasts',
    {
      onRequest: app.requirePermission('broadcasts:write'),
      schema: {
        tags: ['broadcasts'],
        summary: 'Send a text or a copy of a message to every user, starting now',
        body: NewBroadcast,
        response: { 201: BroadcastItem, ...errors },
      },
    },
    async (request, reply) => {
      const content = toContent(request.body);
      const broadcast = await db.transaction().execute(async (trx) => {
        const queued = await queueBroadcast(trx, content);
        await recordAudit(trx, {
          accountId: request.account.id,
          action: 'broadcasts.create',
          objectType: 'broadcast',
          objectId: queued.id,
          before: null,
          after: content,
        });
        return queued;
      });
      return reply.code(201).send(await item(broadcast));
    },
  );

  app.get(
    '/api/broadcasts',
    {
      onRequest: app.requirePermission('read'),
      schema: {
        tags: ['broadcasts'],
        querystring: PageQuery,
        response: { 200: Paged(BroadcastItem), ...errors },
      },
    },
    async (request) => {
      const { items, total } = await listBroadcasts(db, pageWindow(request.query));
      const { page, pageSize } = request.query;
      return { items: await Promise.all(items.map(item)), total, page, pageSize };
    },
  );

  app.get(
    '/api/broadcasts/:id',
    {
      onRequest: app.requirePermission('read'),
      schema: {
        tags: ['broadcasts'],
        summary: 'A broadcast with its counts and progress',
        params: IdParams,
        response: { 200: BroadcastItem, ...errors },
      },
    },
    async (request) => item(await existing(request.params.id)),
  );

  app.post(
    '/api/broadcasts/:id/cancel',
    {
      onRequest: app.requirePermission('broadcasts:write'),
      schema: {
        tags: ['broadcasts'],
        summary: 'Stop a queued or running broadcast (within about a second)',
        params: IdParams,
        response: { 200: BroadcastItem, ...errors },
      },
    },
    async (request) => {
      const { id } = request.params;
      const cancelled = await db.transaction().execute(async (trx) => {
        const before = await existing(id, trx);
        if (!(await cancelBroadcast(trx, id))) {
          throw new ApiError(
            409,
            `broadcast ${id} is ${before.status}: only a queued or running one can be cancelled`,
          );
        }
        await recordAudit(trx, {
          accountId: request.account.id,
          action: 'broadcasts.cancel',
          objectType: 'broadcast',
          objectId: id,
          before: { status: before.status },
          after: { status: 'cancelled' },
        });
        return existing(id, trx);
      });
      return item(cancelled);
    },
  );

  /** `source`: the transaction, inside one (a second connection would wait on it forever). */
  async function existing(id: number, source: Db = db): Promise<Broadcast> {
    const broadcast = await findBroadcast(source, id);
    if (!broadcast) throw new ApiError(404, `broadcast ${id} not found`);
    return broadcast;
  }
};

/** The content of a broadcast request, or a 400 naming what does not go together. */
function toContent(body: Static<typeof NewBroadcast>): BroadcastContent {
  const { text, entities, parseMode, fromChatId, messageId } = body;
  if (text === undefined) {
    if (fromChatId === undefined || messageId === undefined) {
      throw new ApiError(400, 'body must have text, or fromChatId and messageId');
    }
    if (entities || parseMode) {
      throw new ApiError(400, 'body/entities and body/parseMode go with text, not with a copy');
    }
    return { fromChatId, messageId };
  }
  if (fromChatId !== undefined || messageId !== undefined) {
    throw new ApiError(400, 'body has text and a message to copy: send one or the other');
  }
  if (entities && parseMode) {
    throw new ApiError(400, 'body/entities and body/parseMode cannot be used together');
  }
  const outside = entities?.findIndex((e) => e.offset + e.length > text.length) ?? -1;
  if (outside >= 0) {
    throw new ApiError(400, `body/entities/${outside} runs past the end of the text`);
  }
  return { text, entities, parseMode };
}

export default broadcasts;
