/** Field-by-field difference of an audit entry's before/after snapshots. */
export type DiffRow = { field: string; before: unknown; after: unknown; change: 'added' | 'removed' | 'changed' | 'same' };

const MISSING = Symbol('missing');

function flatten(value: unknown, prefix: string, out: Map<string, unknown>) {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (!entries.length && prefix) out.set(prefix, {});
    for (const [k, v] of entries) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out.set(prefix, value);
  } else if (value !== undefined && value !== null) {
    out.set('(value)', value);
  }
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** One row per leaf field (nested objects become dotted paths, e.g. `permissions.Incidents`). */
export function diffSnapshots(before: unknown, after: unknown): DiffRow[] {
  const b = new Map<string, unknown>();
  const a = new Map<string, unknown>();
  flatten(before, '', b);
  flatten(after, '', a);
  const fields = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  return fields.map((field) => {
    const bv = b.has(field) ? b.get(field) : MISSING;
    const av = a.has(field) ? a.get(field) : MISSING;
    const change = bv === MISSING ? 'added' : av === MISSING ? 'removed' : same(bv, av) ? 'same' : 'changed';
    return { field, before: bv === MISSING ? undefined : bv, after: av === MISSING ? undefined : av, change };
  });
}
