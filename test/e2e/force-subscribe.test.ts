import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { eventually, saying, startWorld, type World } from './harness.js';
import { addTestFile } from './library-helpers.js';

type Keyboard = { inline_keyboard: { text: string; url?: string; callback_data?: string }[][] };

describe('force-subscribe', () => {
  let world: World;
  const NEWS = -1001000000001;
  const CLUB = -1001000000002;

  before(async () => {
    world = await startWorld({
      env: { FORCE_SUB_CHANNELS: `@primelingo_news,${CLUB}`, ADMIN_IDS: '777' },
      emulator: {},
    });
  });
  after(() => world.close());

  // Channels are created after the bot started: it resolves them on first use.
  before(() => {
    world.emu.channel({ id: NEWS, username: 'primelingo_news', title: 'PrimeLingo News' });
    world.emu.channel({ id: CLUB, title: 'Speaking Club', inviteLink: 'https://t.me/+club' });
  });

  const PROMPT = /^To use the bot, please join the channels below/;

  it('stops a non-member with one prompt: a join button per channel and "check again"', async () => {
    const user = world.emu.user({ first_name: 'Bek', language_code: 'en' });
    const prompt = await world.ask(user, '/start', PROMPT);
    const rows = (prompt.params.reply_markup as Keyboard).inline_keyboard;
    assert.deepEqual(rows, [
      [{ text: '➕ Join PrimeLingo News', url: 'https://t.me/primelingo_news' }],
      [{ text: '➕ Join Speaking Club', url: 'https://t.me/+club' }],
      [{ text: '✅ Check again', callback_data: 'sub:check' }],
    ]);
  });

  it('lets a member of every channel through', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Aziz', language_code: 'en' });
    emu.setMember(NEWS, user.id, 'member');
    emu.setMember(CLUB, user.id, 'administrator');
    await world.ask(user, '/start', /^Hello, Aziz!/);
  });

  it('counts a pending join request as joined', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Malika', language_code: 'en' });
    emu.setMember(NEWS, user.id, 'member');
    emu.joinRequest(user, CLUB);
    const db = await world.db();
    await eventually(
      () =>
        db
          .selectFrom('join_requests')
          .selectAll()
          .where('user_id', '=', user.id)
          .executeTakeFirst(),
      'the join request to be recorded',
    );
    await world.ask(user, '/start', /^Hello, Malika!/);
  });

  it('forgets a join request once an admin approves it', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Approved', language_code: 'en' });
    emu.joinRequest(user, CLUB);
    const db = await world.db();
    const request = () =>
      db
        .selectFrom('join_requests')
        .select('user_id')
        .where('chat_id', '=', CLUB)
        .where('user_id', '=', user.id)
        .executeTakeFirst();
    await eventually(request, 'the join request to be recorded');
    emu.settleJoinRequest(user, CLUB, true);
    await eventually(async () => (await request()) === undefined, 'the request to be removed');
  });

  it('"check again" lets the user in after joining and replays the deep link', async () => {
    const { emu } = world;
    const user = emu.user({ first_name: 'Sardor', language_code: 'en' });
    const file = await addTestFile(emu, await world.db(), { title: 'Welcome pack' });
    const prompt = await world.ask(user, `/start f_${file.id}`, PROMPT);
    const message = emu.messages(user.id).find((m) => m.message_id === prompt.result?.message_id);
    assert.ok(message);

    let mark = emu.mark();
    emu.pressButton(user, message, 'sub:check');
    const refused = await emu.waitForCall('answerCallbackQuery', undefined, { after: mark });
    assert.equal(refused.params.text, 'You have not joined every channel yet.');
    assert.equal(refused.params.show_alert, true);

    emu.setMember(NEWS, user.id, 'member');
    emu.setMember(CLUB, user.id, 'member');
    mark = emu.mark();
    emu.pressButton(user, message, 'sub:check');
    const thanks = await emu.waitForCall('answerCallbackQuery', undefined, { after: mark });
    assert.equal(thanks.params.text, 'Thank you! You can use the bot now.');
    await emu.waitForCall('deleteMessage', (c) => c.params.message_id === message.message_id, {
      after: mark,
    });
    // The link they came with is replayed: it opens the file's card.
    await emu.waitForCall('sendMessage', saying(user.id, /^📄 Welcome pack\n/), { after: mark });
    await world.bot.waitForOutput(new RegExp(`"payload":"f_${file.id}".*start with a deep link`));
  });

  it("offers a non-member's inline query only a result that opens the bot", async () => {
    const { emu } = world;
    const file = await addTestFile(emu, await world.db(), { title: 'Members only' });
    const user = emu.user({ first_name: 'Outsider', language_code: 'en' });
    const inline = async () => {
      const update = emu.inlineQuery(user, 'members only');
      const answer = await emu.waitForCall(
        'answerInlineQuery',
        (c) => c.params.inline_query_id === update.inline_query?.id,
      );
      assert.ok(answer.ok, answer.error?.description);
      return answer;
    };
    const refused = await inline();
    assert.deepEqual(refused.params.results, [
      {
        type: 'article',
        id: 'join',
        title: 'Join the channels first',
        description: "Files are shared once you have joined the bot's channels.",
        reply_markup: {
          inline_keyboard: [
            [{ text: '🤖 Open the bot', url: 'https://t.me/PrimeLingoBot?start=join' }],
          ],
        },
        input_message_content: {
          message_text:
            'To share files from the library, first join the channels of @PrimeLingoBot.',
        },
      },
    ]);
    assert.deepEqual(refused.params.button, { text: '🤖 Open the bot', start_parameter: 'join' });
    assert.equal(refused.params.is_personal, true);
    assert.equal(refused.params.cache_time, 0);

    // A member gets the files, in an answer Telegram keeps for them alone.
    const member = emu.user({ first_name: 'Insider', language_code: 'en' });
    emu.setMember(NEWS, member.id, 'member');
    emu.setMember(CLUB, member.id, 'member');
    const update = emu.inlineQuery(member, 'members only');
    const listed = await emu.waitForCall(
      'answerInlineQuery',
      (c) => c.params.inline_query_id === update.inline_query?.id,
    );
    const results = listed.params.results as { id: string }[];
    assert.deepEqual(
      results.map((r) => r.id),
      [`f${file.id}`],
    );
    assert.equal(listed.params.is_personal, true);
  });

  it('does not hold back admins', async () => {
    const admin = world.emu.user({ id: 777, first_name: 'Admin', language_code: 'en' });
    await world.ask(admin, '/start', /^Hello, Admin!/);
  });
});
