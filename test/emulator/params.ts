import { badRequest } from './errors.js';
import type { UploadedFile } from './multipart.js';

/** Decoded request parameters; uploaded files appear as UploadedFile objects. */
export type Params = Record<string, unknown>;

// The real server receives every form value as a string and parses it by the field's type;
// these lists let the recorded params look the same whichever body encoding the bot used.
const JSON_FIELDS = new Set([
  'reply_markup',
  'entities',
  'caption_entities',
  'allowed_updates',
  'commands',
  'scope',
  'media',
  'results',
  'reply_parameters',
  'link_preview_options',
  'button',
  'menu_button',
  'message_ids',
  'rights',
]);

const INT_FIELDS = new Set([
  'chat_id',
  'from_chat_id',
  'message_id',
  'user_id',
  'offset',
  'limit',
  'timeout',
  'reply_to_message_id',
  'message_thread_id',
  'duration',
  'width',
  'height',
  'cache_time',
  'expire_date',
  'member_limit',
  'max_connections',
  'until_date',
]);

const BOOL_FIELDS = new Set([
  'disable_notification',
  'protect_content',
  'allow_paid_broadcast',
  'allow_sending_without_reply',
  'show_alert',
  'drop_pending_updates',
  'is_personal',
  'supports_streaming',
  'disable_content_type_detection',
  'has_spoiler',
  'creates_join_request',
  'revoke_messages',
  'only_if_banned',
  'disable_web_page_preview',
  'show_caption_above_media',
]);

/** Decodes string values of known typed fields (JSON, integers, booleans) in place. */
export function decodeParams(params: Params): Params {
  for (const [key, value] of Object.entries(params)) {
    if (typeof value !== 'string') continue;
    if (JSON_FIELDS.has(key)) {
      try {
        params[key] = JSON.parse(value);
      } catch {
        // Left as a string; the method reports it when it reads the field.
      }
    } else if (INT_FIELDS.has(key) && /^-?\d+$/.test(value.trim())) {
      params[key] = Number(value.trim());
    } else if (BOOL_FIELDS.has(key)) {
      params[key] = value === 'true' || value === '1' || value === 'True';
    }
  }
  return params;
}

/** Optional integer parameter (numbers or numeric strings). */
export function optInt(params: Params, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n)) throw badRequest(`invalid ${name} specified`);
  return n;
}

/** Required integer parameter. */
export function reqInt(params: Params, name: string): number {
  const n = optInt(params, name);
  if (n === undefined) throw badRequest(`${name} is empty`);
  return n;
}

/** Optional string parameter; numbers are accepted as their text. */
export function optStr(params: Params, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw badRequest(`invalid ${name} specified`);
}

/** Optional boolean parameter. */
export function optBool(params: Params, name: string): boolean {
  const value = params[name];
  return value === true || value === 'true' || value === 1 || value === '1';
}

/** Optional JSON-typed parameter (object or array), already decoded. */
export function optJson<T>(params: Params, name: string): T | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'object') throw badRequest(`can't parse ${name} JSON object`);
  return value as T;
}

/** `chat_id` as a number or an `@username`. */
export function chatIdParam(params: Params, name = 'chat_id'): number | string {
  const value = params[name];
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') {
    const trimmed = value.trim();
    return /^-?\d+$/.test(trimmed) ? Number(trimmed) : trimmed;
  }
  throw badRequest(`${name} is empty`);
}

const uploads = new WeakSet<object>();

/** Marks an object placed in params as an uploaded file (not a JSON value from the bot). */
export function markUpload(file: UploadedFile): UploadedFile {
  uploads.add(file);
  return file;
}

/** True when a param value is an uploaded file (see markUpload). */
export function isUpload(value: unknown): value is UploadedFile {
  return typeof value === 'object' && value !== null && uploads.has(value);
}
