import type { Db } from './database.js';

/** A count the database's triggers keep exact (migration 0008): users, files, downloads... */
export async function readCounter(db: Db, name: string): Promise<number> {
  const row = await db
    .selectFrom('counters')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirst();
  return row?.value ?? 0;
}
