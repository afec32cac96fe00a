import { sql, type RawBuilder } from 'kysely';

/** `like` with the user's text taken literally (lower-cased; compare against a lower-cased column). */
export function likePattern(s: string): string {
  return `%${s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

/** The right-hand side of `column like …` for a literal substring search; the same on SQLite and PostgreSQL. */
export function containing(s: string): RawBuilder<string> {
  return likeEscaped(likePattern(s));
}

/** `containing` for a pattern already made by `likePattern` (or a query template's slot standing for one). */
export function likeEscaped(pattern: string): RawBuilder<string> {
  return sql<string>`${pattern} escape '\\'`;
}
