import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { eventually, startWorld, type World } from './harness.js';

describe('error boundary', () => {
  let world: World;
  let logDir: string;
  before(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'logs-'));
    // The process's own standard output is under test, beside the file.
    world = await startWorld({ env: { LOG_FILE: join(logDir, 'bot.log') }, process: true });
  });
  after(async () => {
    await world.close();
    await rm(logDir, { recursive: true, force: true });
  });

  it('answers a failed handler politely, records it, and keeps serving', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Olim', language_code: 'ru' });
    // The handler's own reply is refused for good, so /help fails inside the handler.
    emu.fail('sendMessage', { error_code: 400, description: 'Bad Request: message text is empty' });
    const mark = emu.mark();
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

    await world.ask(user, '/help', /^Как пользоваться PrimeLingo/);
  });

  it('logs to stdout and to the LOG_FILE, never writing the bot token', async () => {
    const token = world.emu.token;
    // With LOG_FILE, lines reach standard output through pino's transport thread, so later.
    const failure = await world.bot.waitForOutput(/update handler failed/);
    assert.match(failure, /"update_id":\d+/, 'the per-update child logger carries update_id');
    assert.ok(world.bot.output.every((line) => !line.includes(token)));
    const logged = await eventually(async () => {
      const files = await readdir(logDir);
      const text = (await Promise.all(files.map((f) => readFile(join(logDir, f), 'utf8')))).join(
        '',
      );
      return text.includes('update handler failed') && text;
    }, 'the log file');
    assert.match(logged, /"msg":"bot started"/);
    assert.ok(!logged.includes(token));
  });
});
