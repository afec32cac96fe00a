import { Button, Group } from '@mantine/core';
import { PAGE_SIZES, PaginatorBar } from './Paginator';

export type CursorPaginatorProps = {
  /** 1-based page number the caller keeps next to the cursor (for "Showing 11–20"). */
  page: number;
  pageSize: number;
  /** Rows on this page. */
  rows: number;
  total: number;
  /** The server stopped counting at `total` ("at least"). */
  totalCapped?: boolean;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious(): void;
  onNext(): void;
  onPageSizeChange(pageSize: number): void;
  pageSizes?: readonly number[];
  noun?: string;
};

/**
 * Pagination bar for keyset-paged lists (`nextCursor` / `prevCursor`): the summary, "Rows per page"
 * and Previous / Next buttons. Use `Paginator` for lists that have page numbers.
 */
export function CursorPaginator({
  page,
  pageSize,
  rows,
  total,
  totalCapped,
  hasPrevious,
  hasNext,
  onPrevious,
  onNext,
  onPageSizeChange,
  pageSizes = PAGE_SIZES,
  noun = 'rows',
}: CursorPaginatorProps) {
  const first = rows === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = rows === 0 ? 0 : first + rows - 1;
  const totalText = `${total.toLocaleString()}${totalCapped ? '+' : ''}`;
  return (
    <PaginatorBar
      noun={noun}
      summary={rows === 0 ? `No ${noun}` : `Showing ${first.toLocaleString()}–${last.toLocaleString()} of ${totalText} ${noun}`}
      pageSize={pageSize}
      pageSizes={pageSizes}
      onPageSizeChange={onPageSizeChange}
    >
      <Group gap={4}>
        <Button size="xs" variant="default" onClick={onPrevious} disabled={!hasPrevious} aria-label="Previous page">
          ‹ Previous
        </Button>
        <Button size="xs" variant="default" onClick={onNext} disabled={!hasNext} aria-label="Next page">
          Next ›
        </Button>
      </Group>
    </PaginatorBar>
  );
}
