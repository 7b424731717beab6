import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { databaseFile } from '../../config.js';
import { assessReadiness, probeDatabase } from '../../ops/heartbeat.js';

const State = Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('unknown')]);
const Seconds = Type.Union([Type.Integer(), Type.Null()]);
const Readiness = Type.Object(
  {
    ready: Type.Boolean(),
    failing: Type.Array(Type.String(), { description: 'the parts that are down' }),
    database: Type.Object({ state: State }),
    bot: Type.Object({
      state: State,
      heartbeatAgeSeconds: Seconds,
      version: Type.Union([Type.String(), Type.Null()]),
      uptimeSeconds: Seconds,
      broadcastId: Type.Union([Type.Integer(), Type.Null()]),
    }),
    telegram: Type.Object({ state: State, lastContactAgeSeconds: Seconds }),
    pool: Type.Object({ state: State, busy: Seconds, queued: Seconds }),
  },
  { additionalProperties: false },
);

/**
 * Liveness (`/health`: 200 while the process serves) and readiness (`/health/ready`: the
 * database answers, and the bot's heartbeat says it reaches Telegram and its pool works).
 * No auth: load balancers and PM2 probes call them.
 */
const health: FastifyPluginAsyncTypebox = async (fastify) => {
  fastify.get(
    '/health',
    {
      schema: {
        security: [],
        response: {
          200: Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false }),
        },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  const { config } = fastify.deps;
  fastify.get(
    '/health/ready',
    {
      // Probes poll it (a load balancer every second or two): they must not use up the
      // per-address limit of the routes people call.
      config: { rateLimit: false },
      schema: { security: [], response: { 200: Readiness, 503: Readiness } },
    },
    async (_request, reply) => {
      const readiness = assessReadiness(
        () => probeDatabase(databaseFile(config)),
        config.heartbeatMs,
      );
      return reply.code(readiness.ready ? 200 : 503).send(readiness);
    },
  );
};

export default health;
