import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';

const base = { BOT_TOKEN: '123456:ABC-def_GHI' };

function failure(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.message;
  }
  assert.fail('expected a ConfigError');
}

describe('loadConfig', () => {
  it('applies the documented defaults with only BOT_TOKEN set', () => {
    const config = loadConfig(base);
    assert.equal(config.apiRoot, 'https://api.telegram.org');
    assert.equal(config.localBotApi, false);
    assert.deepEqual(config.adminIds, []);
    assert.equal(config.dataDir, './data');
    assert.deepEqual(config.forceSubChannels, []);
    assert.equal(config.storageChatId, undefined);
    assert.equal(config.titleSuffix, ' - PrimeLingoBot');
    assert.equal(config.protectContent, false);
    assert.equal(config.autoDeleteMinutes, 0);
    assert.equal(config.defaultLanguage, 'uz');
    assert.deepEqual(config.bot, { mode: 'polling' });
    assert.equal(config.api.host, '127.0.0.1');
    assert.equal(config.api.port, 3000);
    assert.equal(config.api.tokenTtlSeconds, 3600);
    assert.deepEqual(config.api.corsOrigins, []);
    assert.equal(config.broadcastRate, 25);
    assert.equal(config.logLevel, 'info');
    assert.equal(config.logFile, undefined);
  });

  it('parses lists, numbers and booleans', () => {
    const config = loadConfig({
      ...base,
      ADMIN_IDS: ' 11, 22 ,',
      FORCE_SUB_CHANNELS: '@prime_channel,-1001234567890',
      LOCAL_BOT_API: 'true',
      STORAGE_CHAT_ID: '-1009876',
      API_PORT: '8080',
      API_TOKEN_TTL: '900',
      API_CORS_ORIGINS: 'https://admin.example.com, http://localhost:5173',
      BROADCAST_RATE: '20',
      PROTECT_CONTENT: 'true',
      AUTO_DELETE_MINUTES: '30',
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'https://bot.example.org/hook',
      WEBHOOK_SECRET: 'abc_DEF-123',
    });
    assert.deepEqual(config.adminIds, [11, 22]);
    assert.deepEqual(config.forceSubChannels, ['@prime_channel', -1001234567890]);
    assert.equal(config.localBotApi, true);
    assert.equal(config.storageChatId, -1009876);
    assert.equal(config.api.port, 8080);
    assert.equal(config.api.tokenTtlSeconds, 900);
    assert.deepEqual(config.api.corsOrigins, [
      'https://admin.example.com',
      'http://localhost:5173',
    ]);
    assert.equal(config.broadcastRate, 20);
    assert.equal(config.protectContent, true);
    assert.equal(config.autoDeleteMinutes, 30);
    assert.deepEqual(config.bot, {
      mode: 'webhook',
      url: 'https://bot.example.org/hook',
      secret: 'abc_DEF-123',
      host: '127.0.0.1',
      port: 3001,
    });
  });

  it('reads the webhook: its listener, and plain http only for a local Bot API server', () => {
    const webhook = {
      ...base,
      BOT_MODE: 'webhook',
      WEBHOOK_URL: 'http://127.0.0.1:8443/tg',
      WEBHOOK_SECRET: 's',
    };
    assert.equal(
      failure(webhook),
      'WEBHOOK_URL must be an https URL (http only with LOCAL_BOT_API=true)',
    );
    const local = loadConfig({
      ...webhook,
      LOCAL_BOT_API: 'true',
      WEBHOOK_HOST: '0.0.0.0',
      WEBHOOK_PORT: '8443',
    });
    assert.deepEqual(local.bot, {
      mode: 'webhook',
      url: 'http://127.0.0.1:8443/tg',
      secret: 's',
      host: '0.0.0.0',
      port: 8443,
    });
    assert.equal(
      failure({ ...webhook, WEBHOOK_URL: 'ftp://bot.example.org' }),
      'WEBHOOK_URL must be an https URL',
    );
    assert.equal(
      failure({ ...webhook, LOCAL_BOT_API: 'true', WEBHOOK_SECRET: 'has space' }),
      'WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -',
    );
    assert.equal(
      failure({ ...webhook, LOCAL_BOT_API: 'true', WEBHOOK_SECRET: 'x'.repeat(257) }),
      'WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -',
    );
    assert.equal(
      failure({ ...webhook, LOCAL_BOT_API: 'true', WEBHOOK_PORT: '65536' }),
      'WEBHOOK_PORT must be a port number',
    );
    assert.equal(
      failure({ ...webhook, LOCAL_BOT_API: 'true', WEBHOOK_SECRET: '' }),
      'WEBHOOK_SECRET is required when BOT_MODE=webhook',
    );
  });

  it('treats empty values as unset', () => {
    assert.equal(loadConfig({ ...base, API_PORT: '', LOG_FILE: '' }).api.port, 3000);
  });

  it('names the variable and the problem', () => {
    assert.equal(failure({}), 'BOT_TOKEN is required');
    assert.match(failure({ BOT_TOKEN: 'nonsense' }), /^BOT_TOKEN must look like/);
    assert.equal(
      failure({ ...base, ADMIN_IDS: '12,abc' }),
      'ADMIN_IDS entry "abc" must be a numeric Telegram user id',
    );
    assert.match(
      failure({ ...base, FORCE_SUB_CHANNELS: 'my channel' }),
      /^FORCE_SUB_CHANNELS entry/,
    );
    assert.equal(
      failure({ ...base, DEFAULT_LANGUAGE: 'de' }),
      'DEFAULT_LANGUAGE must be uz, ru or en',
    );
    assert.equal(failure({ ...base, API_PORT: '70000' }), 'API_PORT must be a port number');
    assert.equal(failure({ ...base, API_PORT: 'abc' }), 'API_PORT must be a port number');
    assert.equal(
      failure({ ...base, LOCAL_BOT_API: 'maybe' }),
      'LOCAL_BOT_API must be true or false',
    );
    assert.match(failure({ ...base, BROADCAST_RATE: '100' }), /^BROADCAST_RATE must be at most 30/);
    assert.equal(
      failure({ ...base, TELEGRAM_API_ROOT: 'http://127.0.0.1:8081/' }),
      'TELEGRAM_API_ROOT must not end with a slash',
    );
    assert.equal(
      failure({ ...base, BOT_MODE: 'webhook' }),
      'WEBHOOK_URL is required when BOT_MODE=webhook',
    );
    assert.equal(
      failure({ ...base, API_TOKEN_TTL: '10' }),
      'API_TOKEN_TTL must be at least 60 seconds',
    );
    assert.equal(
      failure({ ...base, API_TOKEN_TTL: 'an hour' }),
      'API_TOKEN_TTL must be a number of seconds',
    );
    assert.equal(
      failure({ ...base, API_CORS_ORIGINS: 'https://admin.example.com/app' }),
      'API_CORS_ORIGINS entry "https://admin.example.com/app" must be an origin like https://admin.example.com',
    );
    assert.equal(
      failure({ ...base, JWT_SECRET: 'short' }),
      'JWT_SECRET must be at least 32 characters',
    );
  });

  it('reads each retention period, in days or hours', () => {
    const day = 24 * 3600_000;
    assert.deepEqual(loadConfig(base).retention, {
      downloads: 90 * day,
      broadcastRecipients: 30 * day,
      broadcastDrafts: day,
      joinRequests: 7 * day,
      healthChecks: 30 * day,
      sessions: 30 * day,
    });
    const config = loadConfig({
      ...base,
      DOWNLOADS_RETENTION_DAYS: '7',
      BROADCAST_DRAFT_HOURS: '2',
    });
    assert.equal(config.retention.downloads, 7 * day);
    assert.equal(config.retention.broadcastDrafts, 2 * 3600_000);
    assert.equal(
      failure({ ...base, SESSION_RETENTION_DAYS: '0' }),
      'SESSION_RETENTION_DAYS must be at least 1 (days)',
    );
    assert.equal(
      failure({ ...base, BROADCAST_DRAFT_HOURS: '1.5' }),
      'BROADCAST_DRAFT_HOURS must be a whole number of hours',
    );
  });

  it('reads the Bot API and file timeouts', () => {
    assert.equal(loadConfig(base).apiTimeoutMs, 15_000);
    assert.equal(loadConfig(base).fileTimeoutMs, 60_000);
    const short = loadConfig({
      ...base,
      BOT_API_TIMEOUT_SECONDS: '1.5',
      FILE_TIMEOUT_SECONDS: '2',
    });
    assert.deepEqual([short.apiTimeoutMs, short.fileTimeoutMs], [1500, 2000]);
    assert.equal(
      failure({ ...base, BOT_API_TIMEOUT_SECONDS: '0' }),
      'BOT_API_TIMEOUT_SECONDS must be at least 0.1',
    );
    assert.equal(
      failure({ ...base, FILE_TIMEOUT_SECONDS: 'soon' }),
      'FILE_TIMEOUT_SECONDS must be a number of seconds',
    );
  });

  it('reads the heartbeat and backup settings: BACKUP_EVERY_HOURS needs BACKUP_DIR', () => {
    assert.deepEqual(loadConfig(base).backup, { dir: undefined, everyMs: 0, keep: 7 });
    assert.equal(loadConfig(base).heartbeatMs, 5000);
    assert.equal(
      failure({ ...base, HEARTBEAT_SECONDS: '0' }),
      'HEARTBEAT_SECONDS must be at least 0.1',
    );
    assert.deepEqual(
      loadConfig({ ...base, BACKUP_DIR: '/backups', BACKUP_EVERY_HOURS: '6', BACKUP_KEEP: '3' })
        .backup,
      { dir: '/backups', everyMs: 6 * 3600_000, keep: 3 },
    );
    assert.equal(
      failure({ ...base, BACKUP_EVERY_HOURS: '6' }),
      'BACKUP_DIR is required with BACKUP_EVERY_HOURS',
    );
    assert.equal(
      failure({ ...base, BACKUP_DIR: '/backups', BACKUP_KEEP: '0' }),
      'BACKUP_KEEP must be at least 1',
    );
  });

  it('reads the metrics listener: off unless METRICS_PORT is set, a token of 16 or more', () => {
    assert.deepEqual(loadConfig(base).metrics, {
      host: '127.0.0.1',
      port: undefined,
      token: undefined,
    });
    assert.deepEqual(
      loadConfig({
        ...base,
        METRICS_HOST: '0.0.0.0',
        METRICS_PORT: '9464',
        METRICS_TOKEN: 'a-scrape-token-16',
      }).metrics,
      { host: '0.0.0.0', port: 9464, token: 'a-scrape-token-16' },
    );
    assert.equal(loadConfig({ ...base, METRICS_PORT: '0' }).metrics.port, 0);
    assert.equal(failure({ ...base, METRICS_PORT: '70000' }), 'METRICS_PORT must be a port number');
    const short = failure({ ...base, METRICS_TOKEN: 'short secret' });
    assert.equal(short, 'METRICS_TOKEN must be 16-256 printable characters without spaces');
  });

  it('never echoes a secret in its message', () => {
    const message = failure({ BOT_TOKEN: 'secret token value' });
    assert.ok(!message.includes('secret token value'));
  });
});
