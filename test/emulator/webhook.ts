import type { Update, WebhookInfo } from 'grammy/types';
import { badRequest } from './errors.js';
import { type UpdateQueue, updateType } from './updates.js';

/** setWebhook parameters, decoded. */
export interface WebhookSettings {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
  maxConnections?: number;
  dropPending: boolean;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const DEFAULT_MAX_CONNECTIONS = 40;
/** telegram-bot-api drops a Retry-After above an hour to an hour. */
const MAX_RETRY_AFTER_S = 3600;
/**
 * The wait before each further attempt after the first retry, which is immediate. The real
 * server doubles from 2 s up to 60-120 s; this keeps its shape, shortened for tests.
 */
const BACKOFF_MS = [250, 500, 1000, 2000, 4000, 5000];
const POST_TIMEOUT_MS = 60_000;
// Update kinds queued by their sender rather than their chat.
const BY_SENDER = new Set(['callback_query', 'inline_query', 'chosen_inline_result']);

/**
 * The webhook, as telegram-bot-api's WebhookActor delivers: while set, getUpdates is refused
 * and updates are POSTed one per request to the URL, at most max_connections at once (default
 * 40) but one at a time per queue (a chat's messages, or one sender's callback queries, inline
 * queries or chosen results; Client.cpp's webhook_queue_id), so a queue's next update waits
 * for the previous one's 2xx. A non-2xx answer or a failed connection is retried, after the
 * answer's Retry-After if it has one, else at once and then with a growing delay, and holds
 * up only its own queue. Only loopback hosts are reachable from the test machines, and like
 * the real server only a local one (`localMode`) accepts them, or plain http.
 */
export class Webhook {
  private url = '';
  private secretToken: string | undefined;
  private maxConnections = DEFAULT_MAX_CONNECTIONS;
  private allowedUpdates: string[] | undefined;
  private lastError: { date: number; message: string } | undefined;
  private stopped = false;
  /** Queues with a post in flight, and how to abort it. */
  private readonly sending = new Map<string, AbortController>();
  /** Updates that failed: how often, and when they may be posted again. */
  private readonly retries = new Map<number, { failures: number; at: number }>();
  private timer: { at: number; handle: NodeJS.Timeout } | undefined;

  constructor(
    private readonly queue: UpdateQueue,
    private readonly localMode: boolean,
  ) {
    queue.onPush = () => this.pump();
  }

  /** setWebhook; an empty URL removes the webhook. */
  set(settings: WebhookSettings): void {
    if (settings.url === '') {
      this.delete(settings.dropPending);
      return;
    }
    let parsed: URL;
    try {
      parsed = new URL(settings.url);
    } catch {
      throw badRequest('bad webhook: invalid URL');
    }
    const https = parsed.protocol === 'https:';
    if (!https && !(this.localMode && parsed.protocol === 'http:')) {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    if (!LOOPBACK.test(parsed.hostname)) {
      throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
    }
    if (!this.localMode) {
      throw badRequest(`bad webhook: IP address ${parsed.hostname} is reserved`);
    }
    this.delete(settings.dropPending);
    this.url = settings.url;
    this.secretToken = settings.secretToken;
    this.maxConnections = settings.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
    this.allowedUpdates = settings.allowedUpdates;
    this.queue.setAllowed(settings.allowedUpdates);
    this.queue.webhookActive = true;
    this.pump();
  }

  /** deleteWebhook; pending updates stay for getUpdates unless dropped. */
  delete(dropPending: boolean): void {
    this.url = '';
    this.queue.webhookActive = false;
    for (const controller of this.sending.values()) controller.abort();
    this.sending.clear();
    this.retries.clear();
    clearTimeout(this.timer?.handle);
    this.timer = undefined;
    if (dropPending) this.queue.dropAll();
  }

  /** getWebhookInfo. */
  info(): WebhookInfo {
    const info: WebhookInfo = {
      url: this.url,
      has_custom_certificate: false,
      pending_update_count: this.queue.pendingCount,
    };
    if (this.url) {
      info.max_connections = this.maxConnections;
      if (this.allowedUpdates) {
        info.allowed_updates = this.allowedUpdates as WebhookInfo['allowed_updates'];
      }
    }
    if (this.lastError) {
      info.last_error_date = this.lastError.date;
      info.last_error_message = this.lastError.message;
    }
    return info;
  }

  /** Stops delivering for good (emulator shutdown). */
  stop(): void {
    this.stopped = true;
    this.delete(false);
  }

  /** Posts every update that may go now: the first of each idle queue, within the limits. */
  private pump(): void {
    if (!this.url || this.stopped) return;
    const now = Date.now();
    const taken = new Set(this.sending.keys());
    let wake = Number.POSITIVE_INFINITY;
    // The real server looks at most 2 * max_connections updates ahead.
    for (const update of this.queue.peek(this.maxConnections * 2)) {
      if (this.sending.size >= this.maxConnections) break;
      const key = queueOf(update);
      if (taken.has(key)) continue;
      taken.add(key);
      const due = this.retries.get(update.update_id)?.at ?? 0;
      if (due > now) wake = Math.min(wake, due);
      else void this.deliver(update, key);
    }
    if (wake < Number.POSITIVE_INFINITY && (!this.timer || wake < this.timer.at)) {
      clearTimeout(this.timer?.handle);
      const handle = setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wake - now);
      this.timer = { at: wake, handle };
    }
  }

  private async deliver(update: Update, key: string): Promise<void> {
    const controller = new AbortController();
    this.sending.set(key, controller);
    const failure = await this.post(update, controller.signal);
    // The webhook was deleted or replaced meanwhile: this attempt no longer counts.
    if (this.sending.get(key) !== controller) return;
    this.sending.delete(key);
    if (failure === undefined) {
      this.retries.delete(update.update_id);
      this.queue.remove(update.update_id);
    } else {
      const now = Date.now();
      this.lastError = { date: Math.floor(now / 1000), message: failure.message };
      const failures = (this.retries.get(update.update_id)?.failures ?? 0) + 1;
      const delay =
        failure.retryAfterMs ??
        (failures === 1 ? 0 : (BACKOFF_MS[Math.min(failures - 2, BACKOFF_MS.length - 1)] ?? 0));
      this.retries.set(update.update_id, { failures, at: now + delay });
    }
    this.pump();
  }

  /** POSTs one update; undefined on a 2xx answer, else what went wrong. */
  private async post(
    update: Update,
    aborted: AbortSignal,
  ): Promise<{ message: string; retryAfterMs?: number } | undefined> {
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.secretToken) headers['x-telegram-bot-api-secret-token'] = this.secretToken;
      const res = await fetch(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: AbortSignal.any([aborted, AbortSignal.timeout(POST_TIMEOUT_MS)]),
      });
      await res.arrayBuffer();
      if (res.ok) return undefined;
      const retryAfter = Number.parseInt(res.headers.get('retry-after') ?? '', 10);
      return {
        message: `Wrong response from the webhook: ${res.status} ${res.statusText}`,
        retryAfterMs: retryAfter >= 0 ? Math.min(retryAfter, MAX_RETRY_AFTER_S) * 1000 : undefined,
      };
    } catch (err) {
      return { message: `Connection failed: ${(err as Error).message}` };
    }
  }
}

/** The delivery queue an update belongs to: its chat's, or for queries its sender's. */
function queueOf(update: Update): string {
  const kind = updateType(update);
  const body = (
    update as unknown as Record<string, { chat?: { id: number }; from?: { id: number } }>
  )[kind];
  if (BY_SENDER.has(kind)) return `${kind}:${body?.from?.id}`;
  // A chat's messages, edited or not, share one queue; member updates have their own.
  return /message|post/.test(kind) ? `chat:${body?.chat?.id}` : `${kind}:${body?.chat?.id}`;
}
