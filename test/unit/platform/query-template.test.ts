import SQLite from 'better-sqlite3';
import { Kysely, SqliteDialect, type CompiledQuery } from 'kysely';
import { describe, expect, it } from 'vitest';
import { QueryTemplates, slot } from '../../../src/platform/db/query-template.js';

type T = { t: { id: number; org: number; name: string } };

function open() {
  const raw = new SQLite(':memory:');
  raw.exec(`create table t (id integer primary key, org integer, name text);
    insert into t values (1, 1, 'a'), (2, 1, 'b'), (3, 2, 'c'), (4, 2, 'd'), (5, 2, 'e')`);
  const compiled: CompiledQuery[] = [];
  const db = new Kysely<T>({ dialect: new SqliteDialect({ database: raw }), log: (e) => void compiled.push(e.query) });
  return { db, compiled };
}

describe('query templates', () => {
  it('compiles a shape once and runs it with each call’s values', async () => {
    const { db, compiled } = open();
    const templates = new QueryTemplates();
    let builds = 0;
    const byOrg = (org: number, minId: number) =>
      templates.run(
        db,
        'by-org',
        () => {
          builds++;
          return db.selectFrom('t').select(['id', 'name']).where('org', '=', slot<number>('org')).where('id', '>=', slot<number>('minId')).orderBy('id');
        },
        { org, minId },
      );
    expect(await byOrg(1, 1)).toEqual([
      { id: 1, name: 'a' },
      { id: 2, name: 'b' },
    ]);
    expect(await byOrg(2, 4)).toEqual([
      { id: 4, name: 'd' },
      { id: 5, name: 'e' },
    ]);
    expect(builds).toBe(1);
    expect(compiled.map((c) => c.parameters)).toEqual([
      [1, 1],
      [2, 4],
    ]);
    expect(compiled[0].sql).toBe(compiled[1].sql);
  });

  it('refuses to run a slot without a value instead of binding NULL', async () => {
    const { db } = open();
    const templates = new QueryTemplates();
    const run = () => templates.run(db, 'x', () => db.selectFrom('t').select('id').where('org', '=', slot<number>('org')), {});
    await expect(run()).rejects.toThrow(/no value for slot org/);
  });

  it('keeps at most `max` shapes (least recently used out first) and compiles a null shape every time', async () => {
    const { db } = open();
    const templates = new QueryTemplates(2);
    const builds: string[] = [];
    const run = (shape: string | null) =>
      templates.run(
        db,
        shape,
        () => {
          builds.push(shape ?? 'null');
          return db.selectFrom('t').select('id').where('id', '=', slot<number>('id'));
        },
        { id: 3 },
      );
    for (const s of ['a', 'b', 'a', 'c', 'a', 'b', null, null]) expect(await run(s)).toEqual([{ id: 3 }]);
    // 'b' was the least recently used when 'c' came in, so it is compiled again; 'a' never is.
    expect(builds).toEqual(['a', 'b', 'c', 'b', 'null', 'null']);
  });
});
