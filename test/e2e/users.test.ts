import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { findUser, setBanned, setBlocked } from '../../src/db/users.js';
import { eventually, startWorld, type World } from './harness.js';

describe('users', () => {
  let world: World;
  before(async () => {
    world = await startWorld();
  });
  after(() => world.close());

  it('records who writes, and ignores a user an admin banned', async () => {
    const { emu } = world;
    const db = await world.db();
    const user = emu.user({ first_name: 'Jasur', username: 'jasur', language_code: 'uz' });
    await world.ask(user, '/start', /^Assalomu alaykum, Jasur!/);
    const row = await findUser(db, user.id);
    assert.equal(row?.username, 'jasur');
    assert.equal(row?.language_code, 'uz');

    await setBanned(db, user.id, true);
    const mark = emu.mark();
    emu.sendCommand(user, '/start');
    emu.sendCommand(user, '/help');
    const before = world.bot.output.filter((l) => l.includes('ignoring a banned user')).length;
    await eventually(
      () =>
        world.bot.output.filter((l) => l.includes('ignoring a banned user')).length >= before + 2,
      'both updates to be ignored',
    );
    assert.equal(emu.calls.slice(mark).filter((c) => c.params.chat_id === user.id).length, 0);
  });

  it('marks a user who blocks the bot, and clears it on unblock', async () => {
    const { emu } = world;
    const db = await world.db();
    const user = emu.user({ first_name: 'Kamola' });
    emu.sendCommand(user, '/start');
    await eventually(async () => (await findUser(db, user.id)) !== undefined, 'the user row');

    emu.blockBot(user);
    await eventually(async () => (await findUser(db, user.id))?.blocked_at != null, 'blocked_at');
    emu.unblockBot(user);
    await eventually(
      async () => (await findUser(db, user.id))?.blocked_at === null,
      'blocked_at cleared',
    );
  });

  it('clears the blocked mark when a user writes, though the unblock update was lost', async () => {
    const { emu } = world;
    const db = await world.db();
    const user = emu.user({ first_name: 'Dilnoza', language_code: 'en' });
    await world.ask(user, '/start', /^Hello, Dilnoza!/);
    // Blocked, then unblocked while the bot was down: only the block was recorded.
    await setBlocked(db, user.id, true);
    await world.ask(user, '/help', /^How to use PrimeLingo/);
    assert.equal((await findUser(db, user.id))?.blocked_at, null);
  });
});
