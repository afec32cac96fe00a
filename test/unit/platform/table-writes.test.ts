import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/platform/db/database.js';

describe('TableWrites', () => {
  it('moves a table’s version on its writes (and at commit), not on reads or other tables’ writes', async () => {
    const database = openDatabase({ kind: 'sqlite', file: ':memory:' } as never);
    const { db, writes } = database;
    const any = db as never as import('kysely').Kysely<{ a: { id: number; v: string }; b: { id: number } }>;
    await sql`create table a (id integer primary key, v text)`.execute(db);
    await sql`create table b (id integer primary key)`.execute(db);
    const v0 = writes.version('a');
    await any.selectFrom('a').selectAll().execute();
    await sql`select count(*) from a`.execute(db);
    expect(writes.version('a')).toBe(v0);

    const b0 = writes.version('b');
    await any.insertInto('b').values({ id: 1 }).execute();
    expect(writes.version('a')).toBe(v0);
    expect(writes.version('b')).not.toBe(b0);

    for (const write of [
      () => any.insertInto('a').values({ id: 1, v: 'x' }).execute(),
      () => any.updateTable('a').set({ v: 'y' }).where('id', '=', 1).execute(),
      () => any.deleteFrom('a').where('id', '=', 1).execute(),
      () => sql`update a set v = 'z'`.execute(db),
    ]) {
      const before = writes.version('a');
      await write();
      expect(writes.version('a')).not.toBe(before);
    }

    // Inside a transaction the version moves with the statement and again when it commits, so a
    // reader that cached between the two can tell.
    let inside = 0;
    await any.transaction().execute(async (trx) => {
      await trx.insertInto('a').values({ id: 2, v: 'w' }).execute();
      inside = writes.version('a');
    });
    expect(writes.version('a')).not.toBe(inside);
    await database.close();
  });
});
