import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import SQLite from 'better-sqlite3';
import { Kysely, Migrator, SqliteDialect, sql } from 'kysely';
import { migrations } from '../../../src/db/migrations/index.js';
import type { Database } from '../../../src/db/schema.js';

describe('migration 0007-delivery-state', () => {
  it('keeps broadcast recipients and their indexes, and takes the unknown status', async () => {
    const sqlite = new SQLite(':memory:');
    sqlite.pragma('foreign_keys = ON');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
    const migrator = new Migrator({ db, provider: migrations });
    try {
      assert.equal((await migrator.migrateTo('0004-broadcasts')).error, undefined);
      await db.insertInto('broadcasts').values({ status: 'running', text: 'Hi' }).execute();
      await sql`INSERT INTO broadcast_recipients (broadcast_id, user_id, status, error)
        VALUES (1, 10, 'sent', NULL), (1, 11, 'failed', 'Bad Request: x'), (1, 12, 'pending', NULL)`.execute(
        db,
      );
      await sql`INSERT INTO scheduled_deletions (chat_id, message_id, delete_at) VALUES (10, 5, 1)`.execute(
        db,
      );
      const indexes = () =>
        sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index'
          AND tbl_name = 'broadcast_recipients' AND sql IS NOT NULL ORDER BY name`
          .execute(db)
          .then((result) => result.rows.map((row) => row.name));
      const before = await indexes();
      assert.ok(before.length > 0);

      assert.equal((await migrator.migrateToLatest()).error, undefined);
      assert.deepEqual(await indexes(), before);
      const rows = await db
        .selectFrom('broadcast_recipients')
        .select(['user_id', 'status', 'error'])
        .orderBy('user_id')
        .execute();
      assert.deepEqual(rows, [
        { user_id: 10, status: 'sent', error: null },
        { user_id: 11, status: 'failed', error: 'Bad Request: x' },
        { user_id: 12, status: 'pending', error: null },
      ]);
      await db
        .updateTable('broadcast_recipients')
        .set({ status: 'unknown' })
        .where('user_id', '=', 12)
        .execute();
      await assert.rejects(
        sql`UPDATE broadcast_recipients SET status = 'lost' WHERE user_id = 10`.execute(db),
        /CHECK constraint/,
      );
      const deletion = await db.selectFrom('scheduled_deletions').selectAll().executeTakeFirst();
      assert.equal(deletion?.attempts, 0);
      // Deleting a broadcast still takes its recipients with it.
      await db.deleteFrom('broadcasts').execute();
      assert.deepEqual(await db.selectFrom('broadcast_recipients').selectAll().execute(), []);

      assert.equal((await migrator.migrateTo('0004-broadcasts')).error, undefined);
      assert.deepEqual(await indexes(), before);
    } finally {
      await db.destroy();
    }
  });
});
