import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeKeyset, encodeKeyset, keysetPage, pageCursors, readOrder, type Keyset } from '../../../src/platform/http/cursor.js';

const isString = (v: unknown): v is string => typeof v === 'string';

describe('keyset cursors', () => {
  const key = randomBytes(32);
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const refused = (cursor: string, scope: readonly (string | number)[], k = key) =>
    expect(() => decodeKeyset(cursor, scope, isString, k)).toThrow(expect.objectContaining({ statusCode: 400, message: expect.stringMatching(/^cursor:/) }));

  it('round-trip a position within its scope', () => {
    const k: Keyset<string> = { value: 'abel', id: 7, dir: 'prev' };
    expect(decodeKeyset(encodeKeyset(k, ['name', 'asc'], key), ['name', 'asc'], isString, key)).toEqual(k);
  });

  it('refuse a cursor from another sort or order, a value of the wrong type, or garbage, naming the cursor field', () => {
    const c = encodeKeyset({ value: 'abel', id: 7, dir: 'next' }, ['name', 'asc'], key);
    refused(c, ['name', 'desc']);
    refused(c, ['email', 'asc']);
    refused(encodeKeyset({ value: 3, id: 7, dir: 'next' }, ['name', 'asc'], key), ['name', 'asc']);
    refused('garbage', ['name', 'asc']);
    refused('', ['name', 'asc']);
    refused('.', ['name', 'asc']);
  });

  it('refuse what the server did not sign: made-up, altered, re-signed elsewhere or with a swapped body', () => {
    const c = encodeKeyset({ value: 'abel', id: 7, dir: 'next' }, ['name', 'asc'], key);
    const [body, mac] = c.split('.');
    refused(b64(['name', 'asc', 'n', 'abel', 7]), ['name', 'asc']); // the unsigned form cursors had before
    refused(`${b64(['name', 'asc', 'n', 'zed', 7])}.${mac}`, ['name', 'asc']);
    refused(`${body}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, ['name', 'asc']); // even where only spare bits differ
    refused(`${body}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`, ['name', 'asc']);
    refused(`${body}.`, ['name', 'asc']);
    refused(c, ['name', 'asc'], randomBytes(32)); // another key: another installation
  });

  it('refuse, even signed, an id past an INTEGER column', () => {
    refused(encodeKeyset({ value: 'abel', id: 2 ** 31, dir: 'next' }, ['name', 'asc'], key), ['name', 'asc']);
    refused(encodeKeyset({ value: 'abel', id: 0, dir: 'next' }, ['name', 'asc'], key), ['name', 'asc']);
  });

  it('carry a stored value with a control character (a name a ticketing system sent) back unchanged', () => {
    const k: Keyset<string> = { value: 'line\nbreak\u0001control', id: 3, dir: 'next' };
    expect(decodeKeyset(encodeKeyset(k, ['name', 'asc'], key), ['name', 'asc'], isString, key)).toEqual(k);
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
