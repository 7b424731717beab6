import multipart from '@fastify/multipart';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { recordAudit } from '../../db/audit.js';
import { MB } from '../../library/limits.js';
import { ThumbnailError } from '../../library/thumbnail.js';
import {
  environmentSettings,
  readSettings,
  type SettingName,
  SettingsError,
  settingNames,
  validateSettings,
  writeSettings,
} from '../../settings.js';
import { ApiError } from '../errors.js';
import { ErrorResponse } from '../schemas/common.js';

const THUMBNAIL_MAX_BYTES = 10 * MB;

const Source = Type.Union([Type.Literal('environment'), Type.Literal('api')]);
const Setting = Type.Object(
  { value: Type.Unknown(), source: Source, editable: Type.Boolean() },
  { additionalProperties: false },
);
const Settings = Type.Record(Type.String(), Setting, {
  description: 'every setting by name: its value, where it comes from, whether PATCH may change it',
});
const SettingsChange = Type.Object(
  {
    forceSubChannels: Type.Optional(
      Type.Array(Type.Union([Type.Integer(), Type.String({ maxLength: 33 })]), { maxItems: 10 }),
    ),
    protectContent: Type.Optional(Type.Boolean()),
    autoDeleteMinutes: Type.Optional(Type.Integer()),
    titleSuffix: Type.Optional(Type.String()),
  },
  { additionalProperties: false, minProperties: 1 },
);
const Thumbnail = Type.Object({ bytes: Type.Integer() }, { additionalProperties: false });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 403: ErrorResponse };

/**
 * The settings an admin can change while the bot runs, stored in the database: the bot
 * re-reads them within seconds. The rest come from the environment and are shown read-only.
 */
const settings: FastifyPluginAsyncTypebox = async (app) => {
  const { db, deps } = app;
  const defaults = environmentSettings(deps.config);

  async function current() {
    const { values, sources } = await readSettings(db, defaults);
    const { config } = deps;
    const fixed = {
      botMode: config.bot.mode,
      localBotApi: config.localBotApi,
      adminIds: config.adminIds,
      storageChatId: config.storageChatId ?? null,
      defaultLanguage: config.defaultLanguage,
      broadcastRate: config.broadcastRate,
      broadcastPaid: config.broadcastPaid.enabled,
      broadcastPaidRate: config.broadcastPaid.rate,
      apiTokenTtl: config.api.tokenTtlSeconds,
      logLevel: config.logLevel,
    };
    return {
      ...Object.fromEntries(
        settingNames.map((name) => [
          name,
          { value: values[name], source: sources[name], editable: true },
        ]),
      ),
      ...Object.fromEntries(
        Object.entries(fixed).map(([name, value]) => [
          name,
          { value, source: 'environment' as const, editable: false },
        ]),
      ),
    };
  }

  app.get(
    '/api/settings',
    {
      onRequest: app.requirePermission('read'),
      schema: { tags: ['settings'], response: { 200: Settings, ...errors } },
    },
    current,
  );

  app.patch(
    '/api/settings',
    {
      onRequest: app.requirePermission('settings:write'),
      schema: {
        tags: ['settings'],
        summary: 'Change forceSubChannels, protectContent, autoDeleteMinutes or titleSuffix',
        description: 'The rules of the matching environment variables apply.',
        body: SettingsChange,
        response: { 200: Settings, ...errors },
      },
    },
    async (request) => {
      let change: ReturnType<typeof validateSettings>;
      try {
        change = validateSettings(request.body);
      } catch (error) {
        if (error instanceof SettingsError) throw new ApiError(400, `body/${error.message}`);
        throw error;
      }
      await db.transaction().execute(async (trx) => {
        const { values } = await readSettings(trx, defaults);
        const changed = Object.keys(change) as SettingName[];
        await writeSettings(trx, change);
        await recordAudit(trx, {
          accountId: request.account.id,
          action: 'settings.update',
          objectType: 'settings',
          objectId: null,
          before: Object.fromEntries(changed.map((name) => [name, values[name]])),
          after: change,
        });
      });
      return current();
    },
  );

  await app.register(async (upload) => {
    await upload.register(multipart, { limits: { fileSize: THUMBNAIL_MAX_BYTES, files: 1 } });
    upload.put(
      '/api/settings/thumbnail',
      {
        onRequest: app.requirePermission('settings:write'),
        bodyLimit: THUMBNAIL_MAX_BYTES + MB,
        schema: {
          tags: ['settings'],
          summary: 'Replace the default thumbnail (multipart, one image, at most 10 MB)',
          description:
            'Made fit for Telegram (JPEG, at most 320x320, under 200 kB) as /set_thumb does.',
          consumes: ['multipart/form-data'],
          response: { 200: Thumbnail, ...errors, 413: ErrorResponse, 415: ErrorResponse },
        },
      },
      async (request) => {
        if (!request.isMultipart()) {
          throw new ApiError(415, 'body must be multipart/form-data with one image file');
        }
        // The parser's own refusals (no boundary, a torn body) carry no status: they are the
        // client's fault, not the server's.
        const part = await request.file().catch((error: unknown) => {
          if (typeof (error as { statusCode?: unknown }).statusCode === 'number') throw error;
          throw new ApiError(400, 'body is not valid multipart/form-data');
        });
        if (!part) throw new ApiError(400, 'body must carry one image file (multipart/form-data)');
        const image = await part.toBuffer();
        let jpeg: Buffer;
        try {
          jpeg = await deps.pool.makeThumbnail(image);
        } catch (error) {
          if (error instanceof ThumbnailError)
            throw new ApiError(400, `body/file ${error.message}`);
          throw error;
        }
        await db.transaction().execute(async (trx) => {
          await deps.thumbnails.replace(jpeg, trx);
          await recordAudit(trx, {
            accountId: request.account.id,
            action: 'settings.thumbnail',
            objectType: 'settings',
            objectId: 'thumbnail',
            before: null,
            after: { bytes: jpeg.length, fileName: part.filename },
          });
        });
        return { bytes: jpeg.length };
      },
    );
  });
};

export default settings;
