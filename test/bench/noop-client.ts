/**
 * A bot that does nothing: it long-polls the API root and answers every update with one
 * sendMessage, until it has answered `count`. The throughput bench runs it in its own
 * process, as the real bot runs, to measure what the emulator alone can serve.
 *
 *   npx tsx test/bench/noop-client.ts <apiRoot> <token> <count>
 */
const [apiRoot, token, total] = process.argv.slice(2);
const count = Number(total);
if (!apiRoot || !token || !Number.isInteger(count))
  throw new Error('usage: <apiRoot> <token> <count>');

interface Answer<T> {
  ok: boolean;
  result: T;
}

async function call<T>(method: string, params: Record<string, unknown>): Promise<T> {
  const response = await fetch(`${apiRoot}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(params),
  });
  const answer = (await response.json()) as Answer<T>;
  if (!answer.ok) throw new Error(`${method}: ${JSON.stringify(answer)}`);
  return answer.result;
}

type Update = { update_id: number; message?: { chat: { id: number } } };
let offset = 0;
for (let answered = 0; answered < count; ) {
  const updates = await call<Update[]>('getUpdates', { offset, timeout: 30, limit: 100 });
  await Promise.all(
    updates.map((update) => call('sendMessage', { chat_id: update.message?.chat.id, text: 'ok' })),
  );
  answered += updates.length;
  offset = (updates.at(-1)?.update_id ?? offset - 1) + 1;
}
// Confirms the last batch, as a bot does before it stops.
await call('getUpdates', { offset, timeout: 0 });
