import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Db, openDatabase } from '../../../src/db/database.js';
import { findUser, setBanned, setBlocked, setLanguage, touchUser } from '../../../src/db/users.js';

describe('users repository', () => {
  let db: Db;
  before(async () => {
    db = await openDatabase(':memory:');
  });
  after(() => db.destroy());

  it('creates a user on first sight and refreshes the profile later', async () => {
    const created = await touchUser(db, {
      id: 5,
      is_bot: false,
      first_name: 'Ali',
      language_code: 'uz',
    });
    assert.equal(created.first_name, 'Ali');
    assert.equal(created.language, null);
    assert.equal(created.banned_at, null);
    const seen = await touchUser(db, {
      id: 5,
      is_bot: false,
      first_name: 'Alisher',
      username: 'alisher',
    });
    assert.equal(seen.first_name, 'Alisher');
    assert.equal(seen.username, 'alisher');
    assert.equal(seen.language_code, null);
    assert.equal(seen.created_at, created.created_at);
    assert.ok(seen.last_seen_at >= created.last_seen_at);
  });

  it('keeps the chosen language, the blocked and the banned marks across visits', async () => {
    await setLanguage(db, 5, 'ru');
    await setBlocked(db, 5, true);
    await setBanned(db, 5, true);
    const user = await touchUser(db, { id: 5, is_bot: false, first_name: 'Alisher' });
    assert.equal(user.language, 'ru');
    assert.ok(user.blocked_at !== null && user.banned_at !== null);
    await setBlocked(db, 5, false);
    assert.equal((await findUser(db, 5))?.blocked_at, null);
  });

  it('enforces foreign keys', async () => {
    await assert.rejects(
      db.insertInto('downloads').values({ user_id: 404, file_id: 404 }).execute(),
      /FOREIGN KEY constraint failed/,
    );
  });
});
