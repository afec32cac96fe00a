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
