import { MAX_PAGES } from './limits.js';
import { ConnectorError } from './types.js';

/** One page of a startAt/maxResults listing (Jira's paged endpoints). */
export type Page<T> = { items: T[]; total?: number; isLast?: boolean };

export type PagingOptions<T> = {
  system: string;
  /** Finishes the sentence "... while <action>". */
  action: string;
  pageSize: number;
  /** Identifies an item, so a page that repeats earlier ones ends the listing. */
  key: (item: T) => string;
  /** Stop quietly once this many items are collected (a listing that may be cut short). */
  maxItems?: number;
  fetch: (startAt: number) => Promise<Page<T>>;
};

/**
 * Follows pages until the system says it is done. A server's `isLast` alone is not trusted: the
 * listing also ends when a page adds nothing new, when `startAt + items >= total`, and after
 * MAX_PAGES pages (an error, because the listing is then incomplete and must not replace ours).
 */
export async function collectPages<T>(opts: PagingOptions<T>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let startAt = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const { items, total, isLast } = await opts.fetch(startAt);
    let added = 0;
    for (const item of items) {
      const key = opts.key(item);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(item);
      added++;
    }
    if (opts.maxItems !== undefined && out.length >= opts.maxItems) return out.slice(0, opts.maxItems);
    if (isLast === true || added === 0) return out;
    if (total !== undefined && startAt + items.length >= total) return out;
    // Without isLast or total, a short page is the last one.
    if (isLast === undefined && total === undefined && items.length < opts.pageSize) return out;
    startAt += items.length;
  }
  if (opts.maxItems !== undefined) return out;
  throw new ConnectorError(
    'invalid',
    `${opts.system} kept offering more pages after ${MAX_PAGES} pages while ${opts.action}; the listing was stopped. Check that the URL points at the instance itself.`,
  );
}
