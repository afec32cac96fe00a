import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CsvTableSpec } from '../../../src/platform/csv.js';
import { openDatabase, type Database } from '../../../src/platform/db/database.js';
import { withId } from '../../../src/platform/db/schema-helpers.js';
import { AppError } from '../../../src/platform/http/errors.js';
import { ImportLog, readImportFile } from '../../../src/platform/imports/import-log.js';
import type { EnqueueInput } from '../../../src/platform/jobs/index.js';
import { placeDatabaseConfig, testDatabasePlace, type TestDatabasePlace } from '../../helpers/test-database.js';

type Header = {
  id: number;
  org_id: number;
  status: string;
  total: number;
  processed: number;
  good: number;
  errors: number;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
};
type Row = {
  id: number;
  import_id: number;
  org_id: number;
  line: number;
  value: string;
  result: 'good' | 'bad' | null;
  message: string | null;
  note: string | null;
};

describe('ImportLog', () => {
  let place: TestDatabasePlace;
  let database: Database;
  let log: ImportLog<Header, Row>;
  const enqueued: EnqueueInput[] = [];
  const jobs = { enqueue: async (_trx: unknown, input: EnqueueInput) => (enqueued.push(input), enqueued.length) };

  beforeAll(async () => {
    place = await testDatabasePlace('importlog');
    database = openDatabase(placeDatabaseConfig(place) as never);
    const db = database.db as Kysely<unknown>;
    await withId(db.schema.createTable('t_imports'), database.dialect)
      .addColumn('org_id', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('total', 'integer', (c) => c.notNull())
      .addColumn('processed', 'integer', (c) => c.notNull())
      .addColumn('good', 'integer', (c) => c.notNull())
      .addColumn('errors', 'integer', (c) => c.notNull())
      .addColumn('error', 'text')
      .addColumn('started_at', 'text')
      .addColumn('finished_at', 'text')
      .execute();
    await withId(db.schema.createTable('t_import_rows'), database.dialect)
      .addColumn('import_id', 'integer', (c) => c.notNull())
      .addColumn('org_id', 'integer', (c) => c.notNull())
      .addColumn('line', 'integer', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addColumn('result', 'text')
      .addColumn('message', 'text')
      .addColumn('note', 'text')
      .execute();
    log = new ImportLog<Header, Row>(database.db, { imports: 't_imports', rows: 't_import_rows' }, (result) => (result === 'bad' ? 'errors' : result));
  });
  afterAll(async () => {
    await database?.close();
    await place?.drop();
  });

  const header = (orgId: number, total: number): Omit<Header, 'id'> => ({
    org_id: orgId,
    status: 'queued',
    total,
    processed: 0,
    good: 0,
    errors: 0,
    error: null,
    started_at: null,
    finished_at: null,
  });
  const start = (orgId: number, values: string[]) =>
    log.start(jobs, 'test.import', header(orgId, values.length), (importId) =>
      values.map((value, i) => ({ import_id: importId, org_id: orgId, line: i + 2, value, result: null, message: null, note: null })),
    );

  it('stores the header and every line, and enqueues the job once, in one transaction', async () => {
    const values = Array.from({ length: 205 }, (_, i) => `v${i}`);
    let seen: number | null = null;
    const id = await log.start(
      jobs,
      'test.import',
      header(1, values.length),
      (importId) => values.map((value, i) => ({ import_id: importId, org_id: 1, line: i + 2, value, result: null, message: null, note: null })),
      async (_trx, importId) => void (seen = importId),
    );
    expect(seen).toBe(id);
    expect(enqueued.at(-1)).toEqual({ kind: 'test.import', orgId: 1, payload: { importId: id }, dedupeKey: `test.import:${id}`, maxAttempts: 5 });
    const rows = await log.rows(1, id);
    expect(rows.map((r) => r.value)).toEqual(values);
    expect((await log.rows(1, id, { limit: 3 })).map((r) => r.line)).toEqual([2, 3, 4]);

    const before = enqueued.length;
    const refused = log.start(
      jobs,
      'test.import',
      header(1, 1),
      (importId) => [{ import_id: importId, org_id: 1, line: 2, value: 'x', result: null, message: null, note: null }],
      () => {
        throw new Error('audit refused');
      },
    );
    await expect(refused).rejects.toThrow('audit refused');
    expect(enqueued.length).toBe(before);
    expect((await log.page(1, { page: 1, pageSize: 50 })).total).toBe(1);
  });

  it('runs pending lines in batches, counts each result once, and leaves a finished import alone', async () => {
    const id = await start(2, ['a', 'b', 'c', 'd', 'e']);
    const batches: string[][] = [];
    await log.run(2, id, { batch: 2, started: { started_at: '2026-01-01T00:00:00.000Z' } }, async (imp) => {
      expect(imp.status).toBe('queued');
      expect((await log.get(2, id))?.status).toBe('running');
      return async (rows) => {
        batches.push(rows.map((r) => r.value));
        for (const r of rows) {
          const bad = r.value === 'c';
          expect(await log.finishRow(database.db, id, r.id, bad ? 'bad' : 'good', bad ? 'Bad line.' : 'Fine.', { note: `n-${r.value}` })).toBe(true);
          // A retried job finds the line done and counts nothing.
          expect(await log.finishRow(database.db, id, r.id, 'good', 'Again.')).toBe(false);
        }
      };
    });
    expect(batches).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    const imp = await log.require(2, id);
    expect(imp).toMatchObject({ status: 'done', processed: 5, good: 4, errors: 1, started_at: '2026-01-01T00:00:00.000Z' });
    expect(imp.finished_at).toEqual(expect.any(String));
    expect(await log.rows(2, id, { result: 'bad' })).toEqual([expect.objectContaining({ value: 'c', message: 'Bad line.', note: 'n-c' })]);

    let prepared = false;
    await log.run(2, id, { batch: 2 }, async () => ((prepared = true), async () => {}));
    expect(prepared).toBe(false);
    await log.fail(2, id, 'too late');
    expect((await log.require(2, id)).status).toBe('done');
  });

  it('stops, naming the line, when a pass leaves a line it was given unfinished (instead of looping on it)', async () => {
    const id = await start(5, ['a', 'b', 'c']);
    let passes = 0;
    const run = log.run(5, id, { batch: 2 }, async () => async (rows) => {
      passes++;
      // Finishes the second line only: the first comes back in the next pass.
      await log.finishRow(database.db, id, rows[1]!.id, 'good', 'Fine.');
    });
    await expect(run).rejects.toThrow(`Import ${id}: line 2 was left unfinished by its handler.`);
    expect(passes).toBe(1);
    expect(await log.require(5, id)).toMatchObject({ status: 'running', processed: 1 });
  });

  it('fails an unfinished import with the reason, keeps orgs apart and pages newest first', async () => {
    const first = await start(3, ['a']);
    const second = await start(3, ['b']);
    await log.fail(3, second, 'x'.repeat(1500));
    const failed = await log.require(3, second);
    expect(failed).toMatchObject({ status: 'failed', error: 'x'.repeat(1000) });
    expect(failed.finished_at).toEqual(expect.any(String));

    await expect(log.require(4, first)).rejects.toMatchObject({ statusCode: 404, message: 'Import not found.' });
    expect(await log.rows(4, first)).toEqual([]);
    const page = await log.page(3, { page: 1, pageSize: 1 });
    expect(page).toMatchObject({ total: 2, rows: [{ id: second }] });
  });

  it('reads a file as a table and answers a malformed one with a 400', () => {
    const spec: CsvTableSpec<'email' | 'name'> = {
      columns: ['email', 'name'],
      required: ['email'],
      maxRows: 2,
      headerMessage: 'Header: email,name.',
      emptyMessage: 'No people.',
      tooManyMessage: (n: number) => `${n} people.`,
    };
    expect(readImportFile('email,name\r\na@example.com,A\r\n', spec)).toEqual([{ line: 2, values: { email: 'a@example.com', name: 'A' } }]);
    const refused = (csv: string) => {
      try {
        readImportFile(csv, spec);
      } catch (err) {
        return err;
      }
    };
    expect(refused('nope\r\n')).toEqual(expect.any(AppError));
    expect(refused('nope\r\n')).toMatchObject({ statusCode: 400, message: 'Header: email,name.' });
    expect(refused('email,name\r\na,1\r\nb,2\r\nc,3\r\n')).toMatchObject({ statusCode: 400, message: '3 people.' });
  });
});
