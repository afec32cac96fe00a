/** A JSON text column; a missing or unreadable value reads as `fallback` rather than failing the page. */
export function parseJson<T>(text: string | null, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}

/** Write-only form fields: blank means "keep what is stored". */
export const nonBlank = (v: string | undefined | null): string | undefined => (v !== undefined && v !== null && v.trim() !== '' ? v : undefined);
