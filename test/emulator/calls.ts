import type { Message } from 'grammy/types';
import type { ApiErrorBody } from './errors.js';
import type { Params } from './params.js';

/** See CallRecord.result. */
export type CallResult = Partial<Message> & Record<string, unknown>;

/** One API call the bot made, recorded when it was answered (or abandoned). */
export interface CallRecord {
  method: string;
  /** Decoded parameters; uploaded files appear as { fileName, mimeType, size, path, sha256 }. */
  params: Params;
  /** When the request arrived (ms since epoch). */
  at: number;
  ok: boolean;
  error?: ApiErrorBody;
  /**
   * The `result` answered. Typed for the common case, a sent Message (`result?.message_id`);
   * other methods answer true, arrays (getUpdates) or other objects at run time.
   */
  result?: CallResult;
  /** Set when the client went away before an answer (held poll, hang, latency). */
  aborted?: boolean;
  /** Set when the call was carried out but its connection closed unanswered (drop). */
  dropped?: boolean;
}

/** Options of Emulator.waitForCall. */
export interface WaitOptions {
  /** Only calls at this index or later (a cursor from mark()). Default 0. */
  after?: number;
  /** Default 5000. */
  timeoutMs?: number;
}

type Predicate = (call: CallRecord) => boolean;

interface Waiter {
  method: string;
  predicate: Predicate | undefined;
  resolve: (call: CallRecord) => void;
}

/** The ordered log of calls, with waiting for a matching call past or future. */
export class CallLog {
  readonly calls: CallRecord[] = [];
  private readonly waiters = new Set<Waiter>();

  add(call: CallRecord): void {
    this.calls.push(call);
    for (const waiter of this.waiters) {
      if (matches(call, waiter.method, waiter.predicate)) {
        this.waiters.delete(waiter);
        waiter.resolve(call);
      }
    }
  }

  /** The first call of `method` at index >= after matching predicate, past or future. */
  waitFor(method: string, predicate?: Predicate, options: WaitOptions = {}): Promise<CallRecord> {
    const after = options.after ?? 0;
    const timeoutMs = options.timeoutMs ?? 5000;
    for (let i = after; i < this.calls.length; i++) {
      const call = this.calls[i];
      if (call && matches(call, method, predicate)) return Promise.resolve(call);
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        method,
        predicate,
        resolve: (call) => {
          clearTimeout(timer);
          resolve(call);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(this.describeTimeout(method, after, timeoutMs)));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  private describeTimeout(method: string, after: number, timeoutMs: number): string {
    const start = Math.max(after, this.calls.length - 15);
    const lines = this.calls.slice(start).map((call, i) => `  #${start + i} ${summarize(call)}`);
    const recent = lines.length > 0 ? lines.join('\n') : '  (none)';
    return `waitForCall('${method}') timed out after ${timeoutMs} ms; calls since #${after}:\n${recent}`;
  }
}

function matches(call: CallRecord, method: string, predicate: Predicate | undefined): boolean {
  if (call.method.toLowerCase() !== method.toLowerCase()) return false;
  try {
    return predicate ? predicate(call) : true;
  } catch {
    return false;
  }
}

function summarize(call: CallRecord): string {
  const outcome = call.ok ? 'ok' : call.aborted ? 'aborted' : `${call.error?.description}`;
  const params = JSON.stringify(call.params, (_key, value) =>
    typeof value === 'string' && value.length > 60 ? `${value.slice(0, 57)}...` : value,
  );
  const shown = params.length > 200 ? `${params.slice(0, 197)}...` : params;
  return `${call.method} ${outcome} ${shown}`;
}
