import type { Dialect } from './database.js';

/** How a member's value is written: a column (text or number; SQL NULL → `null`) or a SQL condition (→ `true`/`false`). */
export type JsonMemberValue = { column: string } | { condition: (col: (name: string) => string) => string };
export type JsonMember = readonly [key: string, value: JsonMemberValue];

/**
 * SQL text of an expression that renders one row as compact JSON, members in the given order, the
 * same on SQLite and PostgreSQL. For read models kept by triggers (a row's list entry written once
 * per change instead of on every read); `row` qualifies columns, e.g. `new` inside a PostgreSQL
 * trigger function. Keys, columns and conditions come from our code, never from input; values are
 * escaped by the database's own JSON quoting (SQLite `json_quote`, PostgreSQL `to_json`).
 */
export function jsonObjectSql(dialect: Dialect, members: readonly JsonMember[], row?: string): string {
  const col = (name: string) => {
    if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`Not a plain column name: ${name}`);
    return row ? `${row}."${name}"` : `"${name}"`;
  };
  const parts = members.map(([key, value], i) => {
    const label = literal(`${i ? ',' : '{'}${JSON.stringify(key)}:`);
    if ('condition' in value) return `${label} || (case when ${value.condition(col)} then 'true' else 'false' end)`;
    // SQLite's json_quote writes NULL as null; PostgreSQL's to_json returns SQL NULL for it.
    const text = dialect === 'sqlite' ? `json_quote(${col(value.column)})` : `coalesce(to_json(${col(value.column)})::text, 'null')`;
    return `${label} || ${text}`;
  });
  return `(${[...parts, literal(members.length ? '}' : '{}')].join(' || ')})`;
}

/** A SQL string literal: `'` doubled, as both databases read it. */
function literal(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}
