// PM2: `pm2 start ecosystem.config.cjs`. The bot and the admin API run as two apps on one
// DATA_DIR and talk only through the database. Long polling allows one poller per token, so
// the bot is a single forked instance; the API keeps no state in memory and may run as a
// cluster. PM2 sends SIGINT on stop/restart; each process drains within
// SHUTDOWN_TIMEOUT_SECONDS (10 s), so kill_timeout leaves it that long before SIGKILL.
const common = {
  script: 'src/main.ts',
  interpreter: 'node',
  node_args: '--import tsx',
  autorestart: true,
  exp_backoff_restart_delay: 200,
  max_memory_restart: '1G',
  kill_timeout: 12_000,
};

module.exports = {
  apps: [
    {
      ...common,
      name: 'primelingo-bot',
      exec_mode: 'fork',
      instances: 1,
      env: { NODE_ENV: 'production', APP_ROLE: 'bot' },
    },
    {
      ...common,
      name: 'primelingo-api',
      exec_mode: 'cluster',
      instances: 2,
      env: { NODE_ENV: 'production', APP_ROLE: 'api' },
    },
  ],
};
