import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sessionPath } from '../../src/bot/session-storage.js';
import { eventually, saying, startWorld, type World } from './harness.js';

const ADMIN = 9001;

/** Every file under the sessions folder, as paths relative to it. */
async function sessionFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));
}

describe('sessions on disk', () => {
  let world: World;
  let sessionsDir: string;
  before(async () => {
    // The 900 replies below would take half a minute under the global limit of 30 a
    // second; this file is about sessions, so the emulator lifts that limit.
    world = await startWorld({ env: { ADMIN_IDS: String(ADMIN) }, emulator: { globalRate: null } });
    sessionsDir = join(world.bot.dataDir, 'sessions');
  });
  after(() => world.close());

  it('a torn session file does not wedge its chat', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Torn', language_code: 'en' });
    const file = sessionPath(sessionsDir, String(user.id));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, '{"pendingStart": "f_');

    await world.ask(user, '/start', /^Hello, Torn!/);
    await world.bot.waitForOutput(/unreadable session file/);
    // The fresh session had nothing to keep: the torn file is gone, not rewritten.
    await eventually(async () => !(await sessionFiles(sessionsDir)).length, 'no session file');
  });

  it('300 users chatting leave no session files behind', async () => {
    const { emu } = world;
    const users = Array.from({ length: 300 }, (_, i) =>
      emu.user({ first_name: `Chatty ${i}`, language_code: 'en' }),
    );
    const mark = emu.mark();
    for (const user of users) {
      emu.sendCommand(user, '/start');
      emu.sendCommand(user, '/help');
      emu.sendText(user, 'nothing matches this');
    }
    const ids = new Set(users.map((user) => user.id));
    const answered = () =>
      emu.calls
        .slice(mark)
        .filter((c) => c.method === 'sendMessage' && c.ok && ids.has(Number(c.params.chat_id)));
    // The bot shares this process's thread with the emulator: on a busy machine, give it time.
    await eventually(() => answered().length === 900, 'three answers for each user', 90_000);
    assert.deepEqual(await sessionFiles(sessionsDir), []);
  });

  it("keeps an admin's open dialog across a restart, and removes orphaned temporary files", async () => {
    const admin = world.emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en' });
    await world.ask(admin, '/upload', /^Send the file/);
    const file = sessionPath(sessionsDir, String(ADMIN));
    // The session is written once the handler is done, just after the reply.
    const only = file.slice(sessionsDir.length + 1);
    await eventually(
      async () => (await sessionFiles(sessionsDir)).join() === only,
      "the admin's session file, alone",
    );
    // A kill -9 in the middle of a write leaves its temporary file behind.
    const orphan = `${file}.4242.abcdef.tmp`;
    await writeFile(orphan, '{"upload":');
    const past = (Date.now() - 60_000) / 1000;
    await utimes(orphan, past, past);

    await world.restart();
    await eventually(
      async () => !(await sessionFiles(sessionsDir)).some((name) => name.endsWith('.tmp')),
      'the orphaned temporary file removed',
    );
    // "Cancelled." and not "There is nothing to cancel.": the dialog survived the restart.
    await world.ask(admin, '/cancel', /^Cancelled\./);
    await eventually(async () => !(await sessionFiles(sessionsDir)).length, 'no session file');
  });
});

describe('sessions and kill -9', () => {
  let world: World;
  before(async () => {
    // A kill -9 needs a real process.
    world = await startWorld({ env: { ADMIN_IDS: String(ADMIN) }, process: true });
  });
  after(() => world.close());

  it('puts a dialog step on disk before its reply: a kill while the reply travels keeps it', async () => {
    const { emu } = world;
    const admin = emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en' });
    const file = sessionPath(join(world.bot.dataDir, 'sessions'), String(ADMIN));
    const step = async () => JSON.parse(await readFile(file, 'utf8').catch(() => '{}')).upload;
    // The prompt takes 5 s to reach Telegram; its step must be on disk before then, or a
    // kill -9 meanwhile would forget a step the admin is (or is about to be) looking at.
    emu.latency(5000, 'sendMessage');
    try {
      emu.sendCommand(admin, '/upload');
      await eventually(async () => (await step())?.step === 'file', 'the step on disk', 4000);
    } finally {
      emu.latency(0);
    }
    await world.crash();
    const mark = emu.mark();
    emu.sendFile(admin, { kind: 'document', fileName: 'kept.pdf', content: 'kept step' });
    await emu.waitForCall('sendMessage', saying(ADMIN, /^Now send the title/), { after: mark });
    await world.ask(admin, '/cancel', /^Cancelled\./);
  });
});
