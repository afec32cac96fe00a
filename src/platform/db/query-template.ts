import type { Compilable, CompiledQuery, Kysely, Transaction } from 'kysely';

/** A named hole in a query that `QueryTemplates.run` fills with that run's value. */
class Slot {
  constructor(readonly name: string) {}
}

/**
 * A placeholder to write where a query takes a value (`where('org_id', '=', slot<number>('orgId'))`):
 * Kysely binds it as a parameter like any value, so the compiled SQL is the same for every value.
 * Typed as the value it stands for; it must only reach a query built for `QueryTemplates.run`.
 */
export function slot<T>(name: string): T {
  return new Slot(name) as unknown as T;
}

type Runner = Pick<Kysely<unknown> | Transaction<unknown>, 'executeQuery'>;

/**
 * Hot queries compiled once per shape instead of built and compiled on every request.
 *
 * Why: building a Kysely query and compiling it walks and copies its whole operation tree; for the
 * integration-users page (a subquery, a keyset condition, the total) that is ~30–45 µs a request,
 * as much as PostgreSQL takes to run the statement. Only the values change between requests of
 * the same shape, so the SQL text is kept and each run fills the slots.
 *
 * The caller's `shape` must name everything that changes the SQL (which filters are present, how
 * many ids an `in` has, the sort, a LIMIT written as a literal, ...), never a value; a query whose
 * SQL depends on data (literals built from rows) passes `null` and is compiled every time.
 * Bounded: at most `max` shapes, least recently used out first.
 */
export class QueryTemplates {
  private readonly compiled = new Map<string, CompiledQuery>();

  constructor(private readonly max = 200) {}

  async run<R>(exec: Runner, shape: string | null, build: () => Compilable<R>, values: Readonly<Record<string, unknown>>): Promise<R[]> {
    let query = shape === null ? undefined : this.compiled.get(shape);
    if (query) {
      this.compiled.delete(shape!);
    } else {
      query = build().compile();
      if (shape !== null && this.compiled.size >= this.max) this.compiled.delete(this.compiled.keys().next().value!);
    }
    if (shape !== null) this.compiled.set(shape, query);
    const parameters = query.parameters.map((p) => {
      if (!(p instanceof Slot)) return p;
      const v = values[p.name];
      // A missing value would run as NULL and quietly match nothing: a bug in the caller, not data.
      if (v === undefined) throw new Error(`Query template ${shape ?? '(unshared)'}: no value for slot ${p.name}`);
      return v;
    });
    const result = await exec.executeQuery<R>({ ...query, parameters });
    return result.rows;
  }
}
