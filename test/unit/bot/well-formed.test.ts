import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Context } from '../../../src/bot/context.js';
import { wellFormed } from '../../../src/bot/middlewares/well-formed.js';
import { createLogger } from '../../../src/logger.js';

const logger = createLogger({ level: 'silent', secrets: [] });
const user = { id: 7, is_bot: false, first_name: 'A' };
const chat = { id: 7, type: 'private', first_name: 'A' };

/** Whether the middleware lets the update through to the handlers. */
async function passes(update: Record<string, unknown>): Promise<boolean> {
  let reached = false;
  const ctx = { update: { update_id: 1, ...update }, logger } as unknown as Context;
  await wellFormed(ctx, async () => {
    reached = true;
  });
  return reached;
}

describe('wellFormed', () => {
  it('lets the documented updates through', async () => {
    assert.equal(
      await passes({ message: { message_id: 1, date: 0, chat, from: user, text: 'hi' } }),
      true,
    );
    assert.equal(
      await passes({ callback_query: { id: '1', from: user, chat_instance: '1', data: 'x' } }),
      true,
    );
    assert.equal(
      await passes({ inline_query: { id: '1', from: user, query: '', offset: '' } }),
      true,
    );
  });

  it('drops unknown types and updates missing what handlers count on', async () => {
    assert.equal(await passes({}), false);
    assert.equal(await passes({ future_update_type: { id: 1 } }), false);
    assert.equal(await passes({ edited_message: { message_id: 1, date: 0, chat } }), false);
    // The inline query without its query: inline.ts read `query.trim()` and failed.
    assert.equal(await passes({ inline_query: { id: '1', from: user } }), false);
    assert.equal(await passes({ message: { message_id: 1, date: 0, text: 'no chat' } }), false);
    assert.equal(await passes({ message: { message_id: 1, date: 0, chat: { id: '7' } } }), false);
    assert.equal(
      await passes({ callback_query: { id: '1', from: null, chat_instance: '1' } }),
      false,
    );
    assert.equal(
      await passes({ message: { message_id: 1, date: 0, chat }, callback_query: { id: '1' } }),
      false,
    );
  });
});
