/**
 * Splits the rows or ids of one bulk write or `in (…)` read into statements of `size`. Each value
 * binds a parameter, and SQLite refuses a statement with more than 32,766 of them (PostgreSQL
 * 65,535); a few hundred rows a statement stays under both however many columns a row has.
 */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
