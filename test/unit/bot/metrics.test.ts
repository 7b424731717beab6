import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Bot, Composer } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Context } from '../../../src/bot/context.js';
import { updateMetrics } from '../../../src/bot/middlewares/metrics.js';
import { createMetrics } from '../../../src/ops/metrics.js';

const botInfo = {
  id: 1,
  is_bot: true,
  first_name: 'PrimeLingo',
  username: 'PrimeLingoBot',
} as UserFromGetMe;

describe('updateMetrics', () => {
  it('times each update under the feature that handled or failed it, else none', async () => {
    const metrics = createMetrics();
    const measured = updateMetrics(metrics);
    const bot = new Bot<Context>('1:fake', { botInfo });
    bot.use(measured.middleware);
    // As in createBot: the rest inside the error boundary, which handles a failed feature.
    const bounded = bot.errorBoundary(() => undefined);
    // A middleware that stops some updates before any feature (as the flood limit does).
    bounded.use(async (ctx, next) => {
      if (ctx.message?.text !== 'hush') await next();
    });
    const commands = new Composer<Context>();
    commands.command('help', () => undefined);
    const texts = new Composer<Context>();
    texts.on('message:text', () => {
      throw new Error('the reply failed');
    });
    bounded.use(measured.feature('help', commands), measured.feature('search', texts));

    let id = 0;
    const send = (text: string) =>
      bot.handleUpdate({
        update_id: ++id,
        message: {
          message_id: id,
          date: 0,
          chat: { id: 7, type: 'private', first_name: 'Ali' },
          from: { id: 7, is_bot: false, first_name: 'Ali' },
          text,
          ...(text.startsWith('/')
            ? { entities: [{ type: 'bot_command', offset: 0, length: 5 }] }
            : {}),
        },
      });
    await send('/help');
    await send('grammar');
    await send('grammar');
    await send('hush');

    const counts = (await metrics.handlerSeconds.get()).values.filter((v) =>
      v.metricName?.endsWith('_count'),
    );
    assert.deepEqual(
      Object.fromEntries(counts.map(({ labels, value }) => [String(labels.feature), value])),
      { help: 1, search: 2, none: 1 },
    );
    const updates = (await metrics.updates.get()).values;
    assert.deepEqual(
      updates.map(({ labels, value }) => [labels.type, value]),
      [['message', 4]],
    );
  });
});
