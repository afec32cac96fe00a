/**
 * A unique index refused the write (a concurrent duplicate got there first). SQLite and
 * PostgreSQL each report it their own way; stores and services ask this instead of matching text.
 */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string } | null;
  return !!e && (e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message ?? ''));
}
