import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { User } from 'grammy/types';
import { saying, startWorld, type World } from './harness.js';

const ADMIN = 9002;

describe('processing with a local Bot API server', () => {
  let world: World;
  let admin: User;
  before(async () => {
    world = await startWorld({
      env: { ADMIN_IDS: String(ADMIN), LOCAL_BOT_API: 'true' },
      emulator: { localMode: true },
    });
    admin = world.emu.user({ id: ADMIN, first_name: 'Admin', language_code: 'en' });
  });
  after(() => world.close());

  it('processes a file beyond the public limits and shows the admin its progress', async () => {
    const { emu } = world;
    await world.ask(admin, '/upload', /^Send the file to add/);
    const sent = emu.mark();
    emu.sendFile(admin, { kind: 'video', fileName: 'course.mp4', size: 120 * 1024 * 1024 });
    await emu.waitForCall('sendMessage', saying(ADMIN, /^Now send the title/), { after: sent });
    await world.ask(admin, 'Full Course', /^Send tags/);
    const mark = emu.mark();
    await world.ask(admin, '/skip', /^✅ Saved as #/);

    const upload = await emu.waitForCall('sendVideo', (c) => c.ok, {
      after: mark,
      timeoutMs: 60_000,
    });
    const video = upload.params.video as { fileName: string; size: number };
    assert.deepEqual(
      { name: video.fileName, size: video.size },
      {
        name: 'Full Course - PrimeLingoBot.mp4',
        size: 120 * 1024 * 1024,
      },
    );
    const texts = () =>
      emu.calls
        .slice(mark)
        .filter((c) => c.params.chat_id === ADMIN && c.ok)
        .map((c) => String(c.params.text));
    await emu.waitForCall(
      'sendMessage',
      (c) => String(c.params.text).startsWith('✅ «Full Course'),
      {
        after: mark,
        timeoutMs: 20_000,
      },
    );
    assert.ok(
      texts().some((t) =>
        /^⏳ «Full Course - PrimeLingoBot»: (downloading|uploading) \d+%$/.test(t),
      ),
      texts().join('\n'),
    );
  });
});
