import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { recordAudit } from '../../db/audit.js';
import { findUser, listUsers, setBanned } from '../../db/users.js';
import { ApiError } from '../errors.js';
import { ErrorResponse, IdParams, Paged, pageWindow } from '../schemas/common.js';
import { UserItem, UserQuery, userItem } from '../schemas/users.js';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse, 404: ErrorResponse };

/** The bot's users: list, read, ban and unban (a banned user is ignored by the bot at once). */
const users: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app;

  app.get(
    '/api/users',
    {
      onRequest: app.requirePermission('read'),
      schema: {
        tags: ['users'],
        querystring: UserQuery,
        response: { 200: Paged(UserItem), ...errors },
      },
    },
    async (request) => {
      const { q, status, page, pageSize } = request.query;
      const { items, total } = await listUsers(db, { q, status, ...pageWindow(request.query) });
      return { items: items.map(userItem), total, page, pageSize };
    },
  );

  app.get(
    '/api/users/:id',
    {
      onRequest: app.requirePermission('read'),
      schema: { tags: ['users'], params: IdParams, response: { 200: UserItem, ...errors } },
    },
    async (request) => {
      const user = await findUser(db, request.params.id);
      if (!user) throw new ApiError(404, `user ${request.params.id} not found`);
      return userItem(user);
    },
  );

  for (const banned of [true, false]) {
    const verb = banned ? 'ban' : 'unban';
    app.post(
      `/api/users/:id/${verb}`,
      {
        onRequest: app.requirePermission('users:ban'),
        schema: {
          tags: ['users'],
          summary: banned ? 'Ban: the bot ignores the user from now on' : 'Lift a ban',
          params: IdParams,
          response: { 200: UserItem, ...errors },
        },
      },
      async (request) => {
        const { id } = request.params;
        return db.transaction().execute(async (trx) => {
          const before = await findUser(trx, id);
          if (!before) throw new ApiError(404, `user ${id} not found`);
          // Banning again keeps the first ban's time.
          if ((before.banned_at !== null) !== banned) await setBanned(trx, id, banned);
          const after = userItem((await findUser(trx, id)) ?? before);
          await recordAudit(trx, {
            accountId: request.account.id,
            action: `users.${verb}`,
            objectType: 'user',
            objectId: id,
            before: userItem(before),
            after,
          });
          return after;
        });
      },
    );
  }
};

export default users;
