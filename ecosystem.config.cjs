// PM2: `pm2 start ecosystem.config.cjs`. Long polling allows one poller per token, so the bot
// runs as a single forked instance. PM2 sends SIGINT on stop/restart; the bot drains its
// handlers within 10 s, so kill_timeout leaves it that long before SIGKILL.
module.exports = {
  apps: [
    {
      name: 'primelingo-bot',
      script: 'src/main.ts',
      interpreter: 'node',
      node_args: '--import tsx',
      exec_mode: 'fork',
      instances: 1,
      autorestart: true,
      exp_backoff_restart_delay: 200,
      max_memory_restart: '1G',
      kill_timeout: 12_000,
      env: { NODE_ENV: 'production' },
    },
  ],
};
