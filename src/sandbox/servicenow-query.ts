/**
 * The part of ServiceNow's encoded query language the connectors use: `field=value` terms joined by
 * `^`, plus `!=`, `LIKE`, `STARTSWITH`, `IN` (comma-separated) and `ORDERBY`/`ORDERBYDESC`. Like a real instance (with the
 * default `glide.invalid_query.returns_no_rows=false`), a term it does not understand, or one that
 * names an unknown field, is silently dropped and the rest of the query still runs.
 */

type Term = { field: string; op: '=' | '!=' | 'LIKE' | 'STARTSWITH' | 'IN'; value: string };
type Order = { field: string; desc: boolean };

export type ParsedQuery = { terms: Term[]; order: Order[]; ignored: string[] };

export function parseQuery(query: string, columns: Set<string>, invalidFields: string[] = []): ParsedQuery {
  const out: ParsedQuery = { terms: [], order: [], ignored: [] };
  const known = (f: string) => columns.has(f) && !invalidFields.includes(f);
  for (const part of query.split('^').filter(Boolean)) {
    const order = part.match(/^ORDERBY(DESC)?(\w+)$/);
    if (order) {
      if (known(order[2])) out.order.push({ field: order[2], desc: Boolean(order[1]) });
      else out.ignored.push(part);
      continue;
    }
    const term = part.match(/^(\w+?)(!=|=|LIKE|STARTSWITH|IN)(.*)$/);
    if (!term || !known(term[1])) {
      out.ignored.push(part);
      continue;
    }
    out.terms.push({ field: term[1], op: term[2] as Term['op'], value: term[3] });
  }
  return out;
}

/** Comparisons follow a case-insensitive database collation, as on most instances. */
export function matches(record: Record<string, string>, q: ParsedQuery): boolean {
  return q.terms.every(({ field, op, value }) => {
    const actual = (record[field] ?? '').toLowerCase();
    const v = value.toLowerCase();
    if (op === '=') return actual === v;
    if (op === '!=') return actual !== v;
    if (op === 'LIKE') return actual.includes(v);
    if (op === 'IN') return v.split(',').includes(actual);
    return actual.startsWith(v);
  });
}

export function sortRecords<T extends Record<string, string>>(rows: T[], order: Order[]): T[] {
  return [...rows].sort((a, b) => {
    for (const { field, desc } of order) {
      const c = (a[field] ?? '').localeCompare(b[field] ?? '');
      if (c !== 0) return desc ? -c : c;
    }
    return 0;
  });
}
