/**
 * Where the bot's updates come from: long polling or Telegram's posts to the webhook. Both
 * feed the runner's concurrent sink, so the same concurrency bound, per-chat order
 * (sequentialize in the bot) and flood limit apply to either.
 */
export interface UpdateSource {
  /** Starts taking updates; the bot is initialised (bot.init). */
  start(): Promise<void>;
  /** Stops taking updates; those already taken are still being handled. */
  stop(): Promise<void>;
  /** Once the handlers have drained: tells Telegram that what was handled is done, within this. */
  close(withinMs: number): Promise<void>;
  /** The last sign that Telegram reaches the bot (Unix ms), for the heartbeat; null: none yet. */
  readonly contactAt: number | null;
}

/** The update types the bot asks for, in either mode. */
export const ALLOWED_UPDATES = [
  'message',
  'callback_query',
  'inline_query',
  'chosen_inline_result',
  'my_chat_member',
  'chat_join_request',
  'chat_member',
] as const;

/** Updates handled at once; more wait (polling) or are refused for a retry (webhook). */
export const SINK_CONCURRENCY = 100;
