import { Composer } from 'grammy';
import { libraryStats } from '../../library/catalogue.js';
import type { Context } from '../context.js';
import { isAdmin } from '../middlewares/admin.js';
import { clip } from '../text-limits.js';

/** /stats for admins: users, files, downloads and the five most downloaded files. */
export const statsFeature = new Composer<Context>();

statsFeature
  .chatType('private')
  .filter(isAdmin)
  .command('stats', async (ctx) => {
    const stats = await libraryStats(ctx.db);
    const lines = [
      ctx.t('stats', {
        users: stats.users.total,
        active: stats.users.active,
        blocked: stats.users.blocked,
        files: stats.files,
        downloads: stats.downloads.total,
        today: stats.downloads.today,
      }),
      '',
      ctx.t(stats.top.length > 0 ? 'stats-top' : 'stats-top-none'),
      ...stats.top.map((file, index) =>
        ctx.t('stats-top-item', {
          rank: index + 1,
          title: clip(file.title),
          count: file.downloads,
        }),
      ),
    ];
    await ctx.reply(lines.join('\n'));
  });
