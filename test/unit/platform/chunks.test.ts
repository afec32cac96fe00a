import { describe, expect, it } from 'vitest';
import { chunks } from '../../../src/platform/db/chunks.js';

describe('chunks', () => {
  it('splits in order into parts of the size, the last one shorter', () => {
    expect(chunks([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(chunks([1, 2, 3, 4], 2)).toEqual([
      [1, 2],
      [3, 4],
    ]);
  });

  it('gives no part for no items', () => {
    expect(chunks([], 500)).toEqual([]);
  });
});
