import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Expected, startWorld, type World } from './harness.js';

describe('start and help', () => {
  let world: World;
  before(async () => {
    world = await startWorld({ env: { ADMIN_IDS: '4242' } });
  });
  after(() => world.close());

  /** Sends `command` as a new user and resolves with the reply, which says `expected`. */
  async function answer(
    languageCode: string | undefined,
    command: string,
    expected: Expected,
  ): Promise<string> {
    const { emu } = world;
    const user = emu.user({
      first_name: 'Dilnoza',
      ...(languageCode ? { language_code: languageCode } : {}),
    });
    const call = await world.ask(user, command, expected);
    return String(call.params.text);
  }

  it("answers /start in the user's Telegram language", async () => {
    await answer('uz', '/start', /^Assalomu alaykum, Dilnoza!/);
    await answer('ru', '/start', /^Здравствуйте, Dilnoza!/);
    await answer('en', '/start', /^Hello, Dilnoza!/);
    await answer('en-GB', '/start', /^Hello, Dilnoza!/);
  });

  it('falls back to DEFAULT_LANGUAGE for other languages', async () => {
    await answer('de', '/start', /^Assalomu alaykum/);
    await answer(undefined, '/start', /^Assalomu alaykum/);
  });

  it('accepts a deep-link payload', async () => {
    await answer('en', '/start ref_12', /^Hello, Dilnoza!/);
  });

  it('gives admins their own help', async () => {
    const { emu } = world;
    const user = await answer('en', '/help', /^How to use PrimeLingo/);
    assert.doesNotMatch(user, /admin/);
    const admin = emu.user({ id: 4242, first_name: 'Admin', language_code: 'en' });
    await world.ask(admin, '/help', /You are an admin of this bot \(id 4242\)/);
  });

  it('points unknown commands to /help', async () => {
    await answer('en', '/nonsense', "I don't know this command. See /help.");
  });

  it('publishes the command menu in every language', async () => {
    const calls = world.emu.calls.filter((c) => c.method === 'setMyCommands');
    const everyone = calls.filter((c) => c.params.scope === undefined);
    assert.deepEqual(everyone.map((c) => c.params.language_code ?? '').sort(), [
      '',
      'en',
      'ru',
      'uz',
    ]);
    const names = (c: (typeof calls)[number]) =>
      (c.params.commands as { command: string }[]).map((command) => command.command);
    assert.ok(everyone.every((c) => !names(c).includes('upload')));
    // In the admin's own chat, the menu also lists the admin commands.
    const admins = calls.filter((c) => (c.params.scope as { chat_id?: number })?.chat_id === 4242);
    assert.equal(admins.length, 4);
    assert.ok(admins.every((c) => names(c).includes('upload') && names(c).includes('broadcast')));
  });
});
