import type { WebhookInfo } from 'grammy/types';
import { badRequest } from './errors.js';
import type { UpdateQueue } from './updates.js';

/** setWebhook parameters, decoded. */
export interface WebhookSettings {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
  maxConnections?: number;
  dropPending: boolean;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;
const RETRY_MS = [250, 1000, 3000, 5000];

/**
 * The webhook: while set, getUpdates is refused and updates are POSTed one at a time to
 * the URL (plain http is accepted, as a local server does). Only loopback hosts are
 * reachable from the test machines; other hosts are refused at setWebhook.
 */
export class Webhook {
  private url = '';
  private secretToken: string | undefined;
  private maxConnections = 40;
  private allowedUpdates: string[] | undefined;
  private lastError: { date: number; message: string } | undefined;
  private sending = false;
  private stopped = false;
  private failures = 0;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: AbortController | undefined;

  constructor(private readonly queue: UpdateQueue) {
    queue.onPush = () => this.kick();
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
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
    }
    if (!LOOPBACK.test(parsed.hostname)) {
      throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
    }
    if (settings.dropPending) this.queue.dropAll();
    this.url = settings.url;
    this.secretToken = settings.secretToken;
    this.maxConnections = settings.maxConnections ?? 40;
    this.allowedUpdates = settings.allowedUpdates;
    this.queue.setAllowed(settings.allowedUpdates);
    this.queue.webhookActive = true;
    this.failures = 0;
    this.kick();
  }

  /** deleteWebhook; pending updates stay for getUpdates unless dropped. */
  delete(dropPending: boolean): void {
    this.url = '';
    this.queue.webhookActive = false;
    this.inFlight?.abort();
    clearTimeout(this.timer);
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

  private kick(): void {
    if (!this.url || this.sending || this.stopped || this.timer) return;
    this.sending = true;
    void this.drain().finally(() => {
      this.sending = false;
    });
  }

  private async drain(): Promise<void> {
    while (this.url && !this.stopped) {
      const update = this.queue.peek(1)[0];
      if (!update) return;
      const error = await this.post(update);
      if (error === undefined) {
        this.failures = 0;
        this.queue.confirm(update.update_id + 1);
        continue;
      }
      this.lastError = { date: Math.floor(Date.now() / 1000), message: error };
      const delay = RETRY_MS[Math.min(this.failures, RETRY_MS.length - 1)] ?? 5000;
      this.failures++;
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.kick();
      }, delay);
      return;
    }
  }

  /** POSTs one update; undefined on a 2xx answer, else the error text. */
  private async post(update: unknown): Promise<string | undefined> {
    const controller = new AbortController();
    this.inFlight = controller;
    const timeout = setTimeout(() => controller.abort(), 60_000);
    try {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (this.secretToken) headers['x-telegram-bot-api-secret-token'] = this.secretToken;
      const res = await fetch(this.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(update),
        signal: controller.signal,
      });
      await res.arrayBuffer();
      return res.ok
        ? undefined
        : `Wrong response from the webhook: ${res.status} ${res.statusText}`;
    } catch (err) {
      return `Connection failed: ${(err as Error).message}`;
    } finally {
      clearTimeout(timeout);
      this.inFlight = undefined;
    }
  }
}
