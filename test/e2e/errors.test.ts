import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, startWorld, type World } from './harness.js';

describe('error boundary', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('answers a failed handler politely, records it, and keeps serving', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Olim', language_code: 'ru' });
    // The handler's own reply is refused for good, so /help fails inside the handler.
    emu.fail('sendMessage', { error_code: 400, description: 'Bad Request: message text is empty' });
    let mark = emu.mark();
    emu.sendCommand(user, '/help');
    const polite = await emu.waitForCall(
      'sendMessage',
      (c) => c.ok && c.params.chat_id === user.id,
      {
        after: mark,
      },
    );
    assert.equal(
      polite.params.text,
      'Извините, у нас что-то пошло не так. Попробуйте ещё раз чуть позже.',
    );

    const db = await world.db();
    const row = await eventually(
      () =>
        db.selectFrom('health_checks').selectAll().where('source', '=', 'bot').executeTakeFirst(),
      'a health_checks row',
    );
    assert.equal(row.level, 'error');
    assert.match(row.message, /message text is empty/);
    assert.equal(JSON.parse(row.context ?? '{}').user_id, user.id);

    mark = emu.mark();
    emu.sendCommand(user, '/help');
    const help = await emu.waitForCall('sendMessage', (c) => c.params.chat_id === user.id, {
      after: mark,
    });
    assert.match(String(help.params.text), /^Как пользоваться PrimeLingo/);
  });

  it('never writes the bot token to its output', async () => {
    const token = world.emu.token;
    assert.ok(world.bot.output.length > 0);
    assert.ok(world.bot.output.every((line) => !line.includes(token)));
  });
});
