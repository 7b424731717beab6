import assert from 'node:assert/strict';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Update } from 'grammy/types';
import { callJson, until, webhookInfo } from './helpers.js';
import { Emulator } from './index.js';

interface Post {
  update: Update;
  secret: string | undefined;
  at: number;
  /** Answers the held post. */
  respond(status: number, headers?: Record<string, string>): void;
}

/** A bot's webhook endpoint on loopback that records every post and answers as told. */
async function endpoint(answer: (post: Post) => number | undefined = () => 200) {
  const posts: Post[] = [];
  const server = createServer((req, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      const post: Post = {
        update: JSON.parse(body) as Update,
        secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined,
        at: Date.now(),
        respond: (status, headers = {}) => res.writeHead(status, headers).end(),
      };
      posts.push(post);
      const status = answer(post);
      if (status !== undefined) post.respond(status);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    posts,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

describe('emulator webhook (a local Bot API server)', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await Emulator.start({ localMode: true });
  });
  afterEach(() => emu.stop());

  it('refuses getUpdates while a webhook is set; deleteWebhook can drop pending', async () => {
    const target = await endpoint(() => 500);
    try {
      assert.equal((await callJson(emu, 'setWebhook', { url: target.url })).body.ok, true);
      const refused = await callJson(emu, 'getUpdates');
      assert.equal(refused.status, 409);
      assert.equal(
        refused.body.description,
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
      );
      emu.sendText(emu.user(), 'pending');
      await until(() => target.posts.length > 0, 'a failed post');
      const pending = await webhookInfo(emu);
      assert.equal(pending.url, target.url);
      assert.equal(pending.pending_update_count, 1);
      assert.equal(
        pending.last_error_message,
        'Wrong response from the webhook: 500 Internal Server Error',
      );
      await callJson(emu, 'deleteWebhook', { drop_pending_updates: true });
      assert.deepEqual((await callJson(emu, 'getUpdates')).body, { ok: true, result: [] });
      const remote = await callJson(emu, 'setWebhook', { url: 'https://example.com/hook' });
      assert.equal(remote.status, 400);
    } finally {
      target.close();
    }
  });

  it('posts one update per request with the secret token, and forgets it on a 2xx', async () => {
    const target = await endpoint();
    try {
      await callJson(emu, 'setWebhook', { url: target.url, secret_token: 's3cret' });
      const user = emu.user();
      const first = emu.sendText(user, 'one');
      const second = emu.sendText(user, 'two');
      await until(() => target.posts.length === 2, 'both updates delivered');
      assert.deepEqual(
        target.posts.map((post) => [post.update, post.secret]),
        [
          [first, 's3cret'],
          [second, 's3cret'],
        ],
      );
      assert.equal((await webhookInfo(emu)).pending_update_count, 0);
    } finally {
      target.close();
    }
  });

  it("posts a chat's next update only after the previous one's 2xx, other chats meanwhile", async () => {
    const target = await endpoint(() => undefined);
    try {
      await callJson(emu, 'setWebhook', { url: target.url });
      const [ann, bob] = [emu.user(), emu.user()];
      const annFirst = emu.sendText(ann, 'a1');
      const annSecond = emu.sendText(ann, 'a2');
      const bobFirst = emu.sendText(bob, 'b1');
      await until(() => target.posts.length === 2, 'the first post of each chat');
      const ids = () => target.posts.map((post) => post.update.update_id);
      assert.deepEqual(ids(), [annFirst.update_id, bobFirst.update_id]);
      // Ann's second waits for her first, whatever Bob's answer.
      target.posts[1]?.respond(200);
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(target.posts.length, 2);
      target.posts[0]?.respond(200);
      await until(() => target.posts.length === 3, "Ann's second post");
      assert.equal(target.posts[2]?.update.update_id, annSecond.update_id);
      target.posts[2]?.respond(200);
    } finally {
      target.close();
    }
  });

  it('keeps at most max_connections posts in flight', async () => {
    const target = await endpoint(() => undefined);
    try {
      await callJson(emu, 'setWebhook', { url: target.url, max_connections: 2 });
      for (let i = 0; i < 4; i++) emu.sendText(emu.user(), `user ${i}`);
      await until(() => target.posts.length === 2, 'two posts');
      await new Promise((resolve) => setTimeout(resolve, 200));
      assert.equal(target.posts.length, 2, 'no third post while two are held');
      target.posts[0]?.respond(200);
      await until(() => target.posts.length === 3, 'a third post once one is answered');
      for (const post of target.posts.slice(1)) post.respond(200);
      await until(() => target.posts.length === 4, 'the last post');
      target.posts[3]?.respond(200);
    } finally {
      target.close();
    }
  });

  it("retries a refused post after its Retry-After, holding up only that chat's queue", async () => {
    let refusals = 1;
    const target = await endpoint((post) => {
      if (post.update.message?.text !== 'refused' || refusals === 0) return 200;
      refusals--;
      post.respond(503, { 'retry-after': '1' });
      return undefined;
    });
    try {
      await callJson(emu, 'setWebhook', { url: target.url });
      const [ann, bob] = [emu.user(), emu.user()];
      const refused = emu.sendText(ann, 'refused');
      const after = emu.sendText(ann, 'after');
      const other = emu.sendText(bob, 'other');
      await until(() => target.posts.length === 4, 'every update delivered', 5000);
      const order = target.posts.map((post) => post.update.update_id);
      assert.deepEqual(order, [
        refused.update_id,
        other.update_id,
        refused.update_id,
        after.update_id,
      ]);
      const [first, , retry] = target.posts;
      const waited = (retry?.at ?? 0) - (first?.at ?? 0);
      assert.ok(waited >= 950 && waited < 2500, `retried after ${waited} ms`);
      assert.equal((await webhookInfo(emu)).pending_update_count, 0);
    } finally {
      target.close();
    }
  });
});

describe('emulator webhook (Telegram itself)', () => {
  it('wants https and cannot reach loopback or any other host from here', async () => {
    const emu = await Emulator.start();
    try {
      const refusal = async (url: string) =>
        (await callJson(emu, 'setWebhook', { url })).body.description;
      assert.equal(
        await refusal('http://127.0.0.1:8443/hook'),
        'Bad Request: bad webhook: An HTTPS URL must be provided for webhook',
      );
      assert.equal(
        await refusal('https://127.0.0.1:8443/hook'),
        'Bad Request: bad webhook: IP address 127.0.0.1 is reserved',
      );
      assert.equal(
        await refusal('https://example.com/hook'),
        'Bad Request: bad webhook: Failed to resolve host: Name or service not known',
      );
    } finally {
      await emu.stop();
    }
  });
});
