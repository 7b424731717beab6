import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { callJson } from './helpers.js';
import { Emulator } from './index.js';

describe('emulator message formatting', () => {
  let emu: Emulator;
  let chatId: number;
  beforeEach(async () => {
    // Many sends to one chat: the flood limits have their own tests (limits.test.ts).
    emu = await Emulator.start({ perChatRate: null });
    chatId = emu.user({ started: true }).id;
  });
  afterEach(() => emu.stop());

  describe('reply markup', () => {
    /** Sends a message with this reply_markup; the server's description, or 'ok'. */
    async function send(replyMarkup: unknown, method = 'sendMessage', extra = {}): Promise<string> {
      const answer = await callJson(emu, method, {
        chat_id: chatId,
        text: 'pick',
        reply_markup: replyMarkup,
        ...extra,
      });
      return answer.body.ok ? 'ok' : String(answer.body.description);
    }
    const button = (fields: Record<string, unknown>) => ({ inline_keyboard: [[fields]] });

    it('takes only an object holding a keyboard', async () => {
      assert.equal(await send('keyboard'), 'Bad Request: object expected as reply markup');
      assert.equal(await send([[{ text: 'a' }]]), 'Bad Request: object expected as reply markup');
      assert.equal(await send({ buttons: [] }), 'Bad Request: object expected as reply markup');
      assert.equal(await send({ keyboard: [[{ text: 'Yes' }]] }), 'ok');
      assert.equal(await send({ remove_keyboard: true }), 'ok');
      assert.equal(
        await send({ inline_keyboard: [{ text: 'a', callback_data: 'a' }] }),
        'Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays',
      );
    });

    it('checks each inline button: an object with a text and one of the API actions', async () => {
      const refused = "Bad Request: can't parse inline keyboard button: ";
      assert.equal(
        await send({ inline_keyboard: [['a']] }),
        `${refused}InlineKeyboardButton must be an Object`,
      );
      assert.equal(
        await send(button({ callback_data: 'a' })),
        `${refused}Field "text" must be of type String`,
      );
      assert.equal(
        await send(button({ text: 'Plain' })),
        `${refused}Text buttons are unallowed in the inline keyboard`,
      );
      assert.equal(
        await send(button({ text: 'Empty', callback_data: '' })),
        `${refused}Text buttons are unallowed in the inline keyboard`,
      );
      assert.equal(await send(button({ text: 'Go', switch_inline_query: 'gram' })), 'ok');
    });

    it('takes callback data of 1-64 bytes', async () => {
      assert.equal(await send(button({ text: 'a', callback_data: 'd'.repeat(64) })), 'ok');
      assert.equal(
        await send(button({ text: 'a', callback_data: 'd'.repeat(65) })),
        'Bad Request: BUTTON_DATA_INVALID',
      );
      // Bytes, not characters: 33 Cyrillic letters are 66 bytes.
      assert.equal(
        await send(button({ text: 'a', callback_data: 'я'.repeat(33) })),
        'Bad Request: BUTTON_DATA_INVALID',
      );
    });

    it('takes URLs a Telegram client can open', async () => {
      assert.equal(
        await send(button({ text: 'a', url: 'https://t.me/PrimeLingoBot?start=f_1' })),
        'ok',
      );
      assert.equal(await send(button({ text: 'a', url: 'tg://resolve?domain=primelingo' })), 'ok');
      for (const url of [
        'http://localhost:3000/x',
        'https://intranet/x',
        'ftp://files.example.com',
        'not a url',
      ]) {
        assert.equal(
          await send(button({ text: 'a', url })),
          `Bad Request: inline keyboard button URL '${url}' is invalid: Wrong HTTP URL`,
        );
      }
    });

    it('takes at most 100 buttons', async () => {
      const keyboard = (count: number) => ({
        inline_keyboard: Array.from({ length: count / 4 }, (_, row) =>
          Array.from({ length: 4 }, (_, column) => ({
            text: 'b',
            callback_data: `${row}:${column}`,
          })),
        ),
      });
      assert.equal(await send(keyboard(100)), 'ok');
      assert.equal(await send(keyboard(104)), 'Bad Request: REPLY_MARKUP_TOO_LONG');
    });

    it('edits take inline keyboards only', async () => {
      const sent = await callJson(emu, 'sendMessage', { chat_id: chatId, text: 'v1' });
      const messageId = (sent.body.result as { message_id: number }).message_id;
      const edit = { message_id: messageId };
      assert.equal(
        await send({ keyboard: [[{ text: 'Yes' }]] }, 'editMessageText', edit),
        'Bad Request: inline keyboard expected',
      );
      assert.equal(
        await send(button({ text: 'a', callback_data: 'a' }), 'editMessageText', edit),
        'ok',
      );
    });

    it('checks the keyboards of inline query results', async () => {
      const user = emu.user({ started: true });
      const query = emu.inlineQuery(user, 'x').inline_query?.id;
      const article = (replyMarkup: unknown) => ({
        type: 'article',
        id: '1',
        title: 'A',
        input_message_content: { message_text: 'a' },
        reply_markup: replyMarkup,
      });
      const refused = await callJson(emu, 'answerInlineQuery', {
        inline_query_id: query,
        results: [article(button({ text: 'a', url: 'http://localhost/' }))],
      });
      assert.equal(
        refused.body.description,
        "Bad Request: inline keyboard button URL 'http://localhost/' is invalid: Wrong HTTP URL",
      );
      const accepted = await callJson(emu, 'answerInlineQuery', {
        inline_query_id: query,
        results: [article(button({ text: 'a', url: 'https://t.me/x' }))],
      });
      assert.equal(accepted.body.ok, true);
    });
  });

  describe('parse modes', () => {
    /** Sends `text` in `mode`: the message's text and entities, or the server's refusal. */
    async function send(text: string, mode: string) {
      const answer = await callJson(emu, 'sendMessage', {
        chat_id: chatId,
        text,
        parse_mode: mode,
      });
      if (!answer.body.ok) return String(answer.body.description);
      const { text: plain, entities } = answer.body.result as { text: string; entities?: unknown };
      return { text: plain, entities: entities ?? [] };
    }

    it('refuses a parse mode the server does not know', async () => {
      assert.equal(await send('hi', 'markdown_v2'), 'Bad Request: unsupported parse_mode');
      assert.equal(await send('hi', 'Text'), 'Bad Request: unsupported parse_mode');
      assert.deepEqual(await send('<b>hi</b>', 'HTML'), {
        text: 'hi',
        entities: [{ type: 'bold', offset: 0, length: 2 }],
      });
    });

    it('parses MarkdownV2', async () => {
      assert.deepEqual(
        await send('*b* _i_ __u__ ~s~ ||p|| [l](https://t.me/x) `c` 5\\.0 \\*', 'MarkdownV2'),
        {
          text: 'b i u s p l c 5.0 *',
          entities: [
            { type: 'bold', offset: 0, length: 1 },
            { type: 'italic', offset: 2, length: 1 },
            { type: 'underline', offset: 4, length: 1 },
            { type: 'strikethrough', offset: 6, length: 1 },
            { type: 'spoiler', offset: 8, length: 1 },
            { type: 'text_link', offset: 10, length: 1, url: 'https://t.me/x' },
            { type: 'code', offset: 12, length: 1 },
          ],
        },
      );
      assert.deepEqual(await send('*a _b_*\n```ts\nx\n```', 'MarkdownV2'), {
        text: 'a b\nx',
        entities: [
          { type: 'bold', offset: 0, length: 3 },
          { type: 'italic', offset: 2, length: 1 },
          { type: 'pre', offset: 4, length: 1, language: 'ts' },
        ],
      });
    });

    it('refuses malformed MarkdownV2 with the server texts', async () => {
      assert.equal(
        await send('Price: 5.00', 'MarkdownV2'),
        "Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\\'",
      );
      assert.equal(
        await send('a *bold', 'MarkdownV2'),
        "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 2",
      );
      assert.equal(
        await send('я _x', 'MarkdownV2'),
        "Bad Request: can't parse entities: Can't find end of Italic entity at byte offset 3",
      );
    });

    it('parses legacy Markdown, and refuses an entity without its end', async () => {
      assert.deepEqual(await send('*b* _i_ `c` [l](https://t.me/x) 5.0 \\_', 'Markdown'), {
        text: 'b i c l 5.0 _',
        entities: [
          { type: 'bold', offset: 0, length: 1 },
          { type: 'italic', offset: 2, length: 1 },
          { type: 'code', offset: 4, length: 1 },
          { type: 'text_link', offset: 6, length: 1, url: 'https://t.me/x' },
        ],
      });
      assert.equal(
        await send('snake_case name', 'Markdown'),
        "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 5",
      );
    });
  });
});
