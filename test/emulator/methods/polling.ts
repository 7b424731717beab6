import { optBool, optInt, optJson, optStr } from '../params.js';
import type { Handler } from '../state.js';

const getUpdates: Handler = (ctx) =>
  ctx.state.updates.poll(
    {
      offset: optInt(ctx.params, 'offset'),
      limit: optInt(ctx.params, 'limit'),
      timeout: optInt(ctx.params, 'timeout'),
      allowedUpdates: optJson<string[]>(ctx.params, 'allowed_updates'),
    },
    ctx.signal,
  );

const setWebhook: Handler = (ctx) => {
  ctx.state.webhook.set({
    url: optStr(ctx.params, 'url') ?? '',
    secretToken: optStr(ctx.params, 'secret_token'),
    allowedUpdates: optJson<string[]>(ctx.params, 'allowed_updates'),
    maxConnections: optInt(ctx.params, 'max_connections'),
    dropPending: optBool(ctx.params, 'drop_pending_updates'),
  });
  return true;
};

const deleteWebhook: Handler = (ctx) => {
  ctx.state.webhook.delete(optBool(ctx.params, 'drop_pending_updates'));
  return true;
};

/** Handlers of getUpdates and the webhook methods. */
export const pollingMethods: Record<string, Handler> = {
  getUpdates,
  setWebhook,
  deleteWebhook,
  getWebhookInfo: (ctx) => ctx.state.webhook.info(),
};
