/** Beyond this many distinct words, words inside longer ones are kept (see searchText). */
export const MAX_WORDS_COMPARED = 200;

/**
 * The text the Incidents page's "All" search matches against (`incidents.search_text`).
 *
 * A search term is matched as a substring and never holds whitespace (the query is split on it),
 * so a term can only match inside one word of the text. The text therefore keeps each distinct word
 * once, and leaves out a word found inside a longer one (a host inside its URL, a department
 * inside an email): it finds exactly what the full text would, and every search scans less of it.
 */
export function searchText(parts: readonly (string | null | undefined)[]): string {
  const words = [...new Set(parts.filter(Boolean).join(' ').toLowerCase().split(/\s+/).filter(Boolean))];
  // Comparing every word with every other is quadratic: an Email incident may name 3,000
  // recipients. Past a typical incident's few dozen words, keep the distinct words only.
  if (words.length > MAX_WORDS_COMPARED) return words.join(' ');
  const longestFirst = [...words].sort((a, b) => b.length - a.length);
  const kept = new Set<string>();
  for (const w of longestFirst) {
    let inside = false;
    for (const k of kept)
      if (k.includes(w)) {
        inside = true;
        break;
      }
    if (!inside) kept.add(w);
  }
  return words.filter((w) => kept.has(w)).join(' ');
}
