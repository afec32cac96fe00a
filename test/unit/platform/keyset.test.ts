import { describe, expect, it } from 'vitest';
import { decodeKeyset, encodeKeyset, keysetPage, pageCursors, readOrder, type Keyset } from '../../../src/platform/http/cursor.js';

const isString = (v: unknown): v is string => typeof v === 'string';

describe('keyset cursors', () => {
  it('round-trip a position within its scope', () => {
    const k: Keyset<string> = { value: 'abel', id: 7, dir: 'prev' };
    expect(decodeKeyset(encodeKeyset(k, ['name', 'asc']), ['name', 'asc'], isString)).toEqual(k);
  });

  it('refuse a cursor from another sort or order, a value of the wrong type, or garbage, naming the cursor field', () => {
    const c = encodeKeyset({ value: 'abel', id: 7, dir: 'next' }, ['name', 'asc']);
    for (const [cursor, scope] of [
      [c, ['name', 'desc']],
      [c, ['email', 'asc']],
      [encodeKeyset({ value: 3, id: 7, dir: 'next' }, ['name', 'asc']), ['name', 'asc']],
      ['garbage', ['name', 'asc']],
    ] as const) {
      expect(() => decodeKeyset(cursor, scope, isString)).toThrow(expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/^cursor:/) }));
    }
  });
});

describe('keyset pages', () => {
  const from = (dir: 'next' | 'prev'): Keyset => ({ value: 'x', id: 1, dir });

  it('read against the list order only for a previous page', () => {
    expect(readOrder('asc', undefined)).toBe('asc');
    expect(readOrder('asc', from('next'))).toBe('asc');
    expect(readOrder('asc', from('prev'))).toBe('desc');
    expect(readOrder('desc', from('prev'))).toBe('asc');
  });

  it('drop the look-ahead row and put a backwards page in list order', () => {
    expect(keysetPage([1, 2, 3], 2, undefined)).toEqual({ rows: [1, 2], more: true });
    expect(keysetPage([1, 2], 2, from('next'))).toEqual({ rows: [1, 2], more: false });
    expect(keysetPage([5, 4, 3], 2, from('prev'))).toEqual({ rows: [4, 5], more: true });
  });

  it('offer Next and Previous only where a page exists', () => {
    const at = (r: number, dir: 'next' | 'prev') => `${dir}@${r}`;
    expect(pageCursors({ rows: [1, 2], more: true }, undefined, at)).toEqual({ nextCursor: 'next@2', prevCursor: null });
    expect(pageCursors({ rows: [3, 4], more: false }, from('next'), at)).toEqual({ nextCursor: null, prevCursor: 'prev@3' });
    // Read backwards: a next page is where we came from; `more` says whether one is before.
    expect(pageCursors({ rows: [1, 2], more: false }, from('prev'), at)).toEqual({ nextCursor: 'next@2', prevCursor: null });
    expect(pageCursors({ rows: [3, 4], more: false }, undefined, at, true)).toEqual({ nextCursor: null, prevCursor: 'prev@3' });
    expect(pageCursors({ rows: [], more: false }, from('next'), at)).toEqual({ nextCursor: null, prevCursor: null });
  });
});
