import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { MAX_WORDS_COMPARED, searchText } from '../../../src/modules/incidents/search-text.js';

/** What the search text was before it was compacted: every part, lower-cased, joined. */
const fullText = (parts: (string | null | undefined)[]) => parts.filter(Boolean).join(' ').toLowerCase();

describe('searchText', () => {
  it('keeps each word once and leaves out words found inside longer ones', () => {
    const text = searchText([
      'vol-1',
      'Chen Silva',
      'chen.silva@corp.example',
      undefined,
      'https://drive.google.com/s/fe5c',
      'drive.google.com',
      'drive.google.com',
      'Source Code Leakage',
      'Source Code',
      null,
      'GDPR',
    ]);
    expect(text).toBe('vol-1 chen.silva@corp.example https://drive.google.com/s/fe5c source code leakage gdpr');
  });

  it('past MAX_WORDS_COMPARED distinct words (3,000 recipients), keeps each distinct word and compares no further', () => {
    const recipients = Array.from({ length: 3000 }, (_, i) => `r${i}@corp.example`);
    const text = searchText(['Mail', ...recipients, 'corp.example', 'mail', 'R1@corp.example']);
    expect(text.split(' ')).toEqual(['mail', ...recipients, 'corp.example']);
    // At the bound words are still compared: w1 is inside w10; one word more and it stays.
    const words = (n: number) => searchText(Array.from({ length: n }, (_, i) => `w${i}`)).split(' ');
    expect(words(MAX_WORDS_COMPARED)).not.toContain('w1');
    expect(words(MAX_WORDS_COMPARED + 1)).toContain('w1');
  });

  it('finds a whitespace-free term exactly when the full text does', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'C', '.', '-', 'é', 'İ'), maxLength: 6 });
    const part = fc.tuple(fc.array(word, { maxLength: 4 }), fc.constantFrom(' ', '\t', '\u00a0')).map(([ws, sep]) => ws.join(sep));
    fc.assert(
      fc.property(fc.array(fc.option(part, { nil: undefined }), { maxLength: 8 }), word, (parts, rawTerm) => {
        const full = fullText(parts);
        const compact = searchText(parts);
        for (const t of rawTerm.toLowerCase().split(/\s+/).filter(Boolean)) expect(compact.includes(t)).toBe(full.includes(t));
        // Any piece of the full text without whitespace is still found.
        for (const w of full.split(/\s+/).filter(Boolean)) expect(compact.includes(w.slice(1, 4) || w)).toBe(true);
      }),
      { seed: 20261204, numRuns: 500 },
    );
  });

  it('compacting a stored full text gives the compact text of its parts, and a compact text stays as it is', () => {
    // What the compaction job (migration 0460) relies on: it has only the stored text, not the parts.
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'C', '.', 'é', 'İ'), maxLength: 5 });
    const part = fc.array(word, { maxLength: 4 }).map((ws) => ws.join(' '));
    fc.assert(
      fc.property(fc.array(fc.option(part, { nil: null }), { maxLength: 8 }), (parts) => {
        const compact = searchText(parts);
        expect(searchText([fullText(parts)])).toBe(compact);
        expect(searchText([compact])).toBe(compact);
      }),
      { seed: 20261205, numRuns: 500 },
    );
    const many = Array.from({ length: MAX_WORDS_COMPARED + 5 }, (_, i) => `w${i}`);
    expect(searchText([searchText(many)])).toBe(searchText(many));
  });
});
