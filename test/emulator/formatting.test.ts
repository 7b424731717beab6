import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { callJson } from './helpers.js';
import { Emulator } from './index.js';

describe('emulator parse modes', () => {
  let emu: Emulator;
  let chatId: number;
  beforeEach(async () => {
    // Many sends to one chat: the flood limits have their own tests (limits.test.ts).
    emu = await Emulator.start({ perChatRate: null });
    chatId = emu.user().id;
  });
  afterEach(() => emu.stop());

  /** Sends `text` in `mode`: the message's text and entities, or the server's refusal. */
  async function send(text: string, mode: string) {
    const answer = await callJson(emu, 'sendMessage', { chat_id: chatId, text, parse_mode: mode });
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
