import { CsvError, readCsvTable, type CsvTableSpec } from '../csv.js';
import { chunks } from '../db/chunks.js';
import { nowIso, type AnyExec, type SharedDb } from '../db/database.js';
import { badRequest, notFound } from '../http/errors.js';
import type { JobQueue } from '../jobs/index.js';

/** The columns every import's header table has; each import adds its own counters (and timestamps). */
export type ImportHeader = {
  id: number;
  org_id: number;
  status: string;
  total: number;
  processed: number;
  error: string | null;
  finished_at: string | null;
};

/** The columns every import's row table has: the file's line as stored, and its outcome once the job took it (null while pending). */
export type ImportLine = {
  id: number;
  import_id: number;
  org_id: number;
  line: number;
  result: string | null;
  message: string | null;
};

type Page = { page: number; pageSize: number };
/** The columns of a row that its import's job fills beside `result` and `message` (e.g. the user a row added). */
type RowExtras<R extends ImportLine> = Partial<Omit<R, keyof ImportLine>>;

/** A CSV file's lines by the import's columns; a file that is not such a table is a 400 saying why. */
export function readImportFile<C extends string>(csv: string, spec: CsvTableSpec<C>): { line: number; values: Record<C, string> }[] {
  try {
    return readCsvTable(csv, spec);
  } catch (err) {
    if (err instanceof CsvError) throw badRequest(err.message);
    throw err;
  }
}

/**
 * A CSV import's log: one header row per file (status and counters) and one row per line, which
 * the import's job takes in `line` order and marks done one by one, so a retried job never applies
 * a line twice. Each module keeps its own two tables (their columns differ); its store builds one
 * of these with their names, which is why the queries here are untyped (see SharedDb).
 */
export class ImportLog<I extends ImportHeader, R extends ImportLine> {
  constructor(
    private readonly db: SharedDb,
    private readonly tables: { imports: string; rows: string },
    /** The header's counter column a line's result adds to. */
    private readonly counterOf: (result: NonNullable<R['result']>) => string,
  ) {}

  /**
   * Stores the header and the file's lines and enqueues the job (payload `{ importId }`) in one
   * transaction; `also` runs in it before the job is enqueued (the audit record).
   */
  async start(
    jobs: Pick<JobQueue, 'enqueue'>,
    job: string,
    header: Omit<I, 'id'>,
    rows: (importId: number) => Omit<R, 'id'>[],
    also?: (trx: AnyExec, importId: number) => Promise<void>,
  ): Promise<number> {
    return this.db.transaction().execute(async (trx) => {
      const { id } = await trx.insertInto(this.tables.imports).values(header).returning('id').executeTakeFirstOrThrow();
      for (const part of chunks(rows(id), 200)) await trx.insertInto(this.tables.rows).values(part).execute();
      await also?.(trx, id);
      await jobs.enqueue(trx, { kind: job, orgId: header.org_id, payload: { importId: id }, dedupeKey: `${job}:${id}`, maxAttempts: 5 });
      return id as number;
    });
  }

  get(orgId: number, id: number): Promise<I | undefined> {
    return this.db.selectFrom(this.tables.imports).selectAll().$castTo<I>().where('org_id', '=', orgId).where('id', '=', id).executeTakeFirst();
  }

  /** The import, or the 404 of an id that is not this org's. */
  async require(orgId: number, id: number): Promise<I> {
    const imp = await this.get(orgId, id);
    if (!imp) throw notFound('Import');
    return imp;
  }

  /** The org's imports, newest first. */
  async page(orgId: number, q: Page): Promise<{ rows: I[]; total: number }> {
    const base = this.db.selectFrom(this.tables.imports).where('org_id', '=', orgId);
    const [rows, total] = await Promise.all([
      base
        .selectAll()
        .$castTo<I>()
        .orderBy('id', 'desc')
        .limit(q.pageSize)
        .offset((q.page - 1) * q.pageSize)
        .execute(),
      base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(total.n) };
  }

  /** An import's lines in file order: all of them, or those with one result; at most `limit` when given. */
  rows(orgId: number, importId: number, q: { result?: NonNullable<R['result']>; limit?: number } = {}): Promise<R[]> {
    let query = this.db.selectFrom(this.tables.rows).selectAll().$castTo<R>().where('org_id', '=', orgId).where('import_id', '=', importId);
    if (q.result !== undefined) query = query.where('result', '=', q.result);
    query = query.orderBy('line');
    if (q.limit) query = query.limit(q.limit);
    return query.execute();
  }

  /**
   * The job: claims the import (queued → running, with `started` for a header that records when),
   * then hands `prepare`'s handler the pending lines `batch` at a time until none is left, and
   * marks the import done. The handler must finish every line it is given (`finishRow`). An
   * import already done or failed (a retried job) is left alone.
   */
  async run(
    orgId: number,
    importId: number,
    opts: { batch: number; started?: Partial<Omit<I, keyof ImportHeader>> },
    prepare: (imp: I) => Promise<(rows: R[]) => Promise<void>>,
  ): Promise<void> {
    const imp = await this.get(orgId, importId);
    if (!imp || imp.status === 'done' || imp.status === 'failed') return;
    if (imp.status === 'queued') await this.update(importId, { status: 'running', ...opts.started });
    const handle = await prepare(imp);
    // Each pass must finish the lines it was given; a line handed back unfinished would loop forever.
    let previous: number | undefined;
    for (;;) {
      const batch = await this.db
        .selectFrom(this.tables.rows)
        .selectAll()
        .$castTo<R>()
        .where('import_id', '=', importId)
        .where('result', 'is', null)
        .orderBy('line')
        .limit(opts.batch)
        .execute();
      if (!batch.length) break;
      if (batch[0].id === previous) throw new Error(`Import ${importId}: line ${batch[0].line} was left unfinished by its handler.`);
      previous = batch[0].id;
      await handle(batch);
    }
    await this.update(importId, { status: 'done', finished_at: nowIso() });
  }

  /** Records one line's result and bumps the import's counters; false if the line was already done (a retried job). */
  async finishRow(
    exec: AnyExec,
    importId: number,
    rowId: number,
    result: NonNullable<R['result']>,
    message: string,
    extras: RowExtras<R> = {},
  ): Promise<boolean> {
    const r = await exec
      .updateTable(this.tables.rows)
      .set({ result, message, ...extras })
      .where('id', '=', rowId)
      .where('result', 'is', null)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1) return false;
    const counter = this.counterOf(result);
    await exec
      .updateTable(this.tables.imports)
      .set((eb) => ({ processed: eb('processed', '+', 1), [counter]: eb(counter, '+', 1) }))
      .where('id', '=', importId)
      .execute();
    return true;
  }

  /** Called when the import's job gives up for good: a running import stops with the reason. */
  async fail(orgId: number, importId: number, reason: string): Promise<void> {
    const imp = await this.get(orgId, importId);
    if (imp && imp.status !== 'done') await this.update(importId, { status: 'failed', error: reason.slice(0, 1000), finished_at: nowIso() });
  }

  private async update(id: number, patch: Record<string, unknown>): Promise<void> {
    await this.db.updateTable(this.tables.imports).set(patch).where('id', '=', id).execute();
  }
}
