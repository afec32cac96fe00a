import SQLite from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { withStatementCache } from '../../../src/platform/db/database.js';

describe('SQLite statement cache', () => {
  it('reuses a prepared statement, evicts the least recently used, and survives a schema change', () => {
    const raw = new SQLite(':memory:');
    const db = withStatementCache(raw, 2);
    raw.exec('create table t (a integer)');
    const a = db.prepare('select a from t');
    expect(db.prepare('select a from t')).toBe(a);
    const b = db.prepare('select count(*) as n from t');
    db.prepare('select a from t'); // a is now the most recently used
    db.prepare('select 1 as one'); // evicts b
    expect(db.prepare('select a from t')).toBe(a);
    expect(db.prepare('select count(*) as n from t')).not.toBe(b);
    // A cached statement keeps working after the table it reads changes shape.
    raw.exec('insert into t values (7); alter table t add column b text');
    expect(db.prepare('select a from t').all()).toEqual([{ a: 7 }]);
    db.close();
    expect(raw.open).toBe(false);
  });
});

describe('SQLite statement cache rows', () => {
  it('builds the same row objects as better-sqlite3 for explicit columns; `*` keeps its own (names follow the schema)', () => {
    const raw = new SQLite(':memory:');
    const db = withStatementCache(raw);
    raw.exec(`create table t (a integer, b text, c real); insert into t values (1, 'x', 1.5), (2, null, null)`);
    for (const q of [
      'select a, b, c from t order by a',
      'select a as "x y", b as a, lower(b), a as a from t order by a',
      'select * from t order by a',
      'select t.* from t order by a',
    ]) {
      const rows = db.prepare(q).all();
      expect(rows).toEqual(raw.prepare(q).all());
      expect(Object.keys(rows[0] as object)).toEqual(Object.keys(raw.prepare(q).all()[0] as object));
      expect([...db.prepare(q).iterate()]).toEqual(rows);
    }
    expect(db.prepare("insert into t values (3, 'z', 0) returning a, b").all()).toEqual([{ a: 3, b: 'z' }]);
    expect(db.prepare('update t set b = ? where a = ?').run('q', 3).changes).toBe(1);
    raw.exec('alter table t add column d text');
    expect(Object.keys(db.prepare('select * from t order by a').all()[0] as object)).toEqual(['a', 'b', 'c', 'd']);
    db.close();
  });
});

describe('SQLite LIMIT', () => {
  it('is written into the SQL, so a cached statement is not prepared again on every run; OFFSET stays bound', async () => {
    const { openDatabase } = await import('../../../src/platform/db/database.js');
    const { sql } = await import('kysely');
    const database = openDatabase({ kind: 'sqlite', file: ':memory:' } as never);
    try {
      const db = database.db;
      await sql`create table t (a integer)`.execute(db);
      await sql`insert into t values (1), (2), (3)`.execute(db);
      const q = (db as unknown as import('kysely').Kysely<{ t: { a: number } }>).selectFrom('t').select('a').orderBy('a').limit(2).offset(1);
      const compiled = q.compile();
      expect(compiled.sql).toBe('select "a" from "t" order by "a" limit 2 offset ?');
      expect(compiled.parameters).toEqual([1]);
      expect(await q.execute()).toEqual([{ a: 2 }, { a: 3 }]);
      // A LIMIT that is an expression is left to the default compiler.
      const expr = (db as unknown as import('kysely').Kysely<{ t: { a: number } }>)
        .selectFrom('t')
        .select('a')
        .limit(sql<number>`1 + 1`)
        .compile();
      expect(expr.sql).toBe('select "a" from "t" limit 1 + 1');
    } finally {
      await database.close();
    }
  });
});
