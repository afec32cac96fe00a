import type { ReactNode } from 'react';
import { Group, NativeSelect, Pagination, Text } from '@mantine/core';

/** The page sizes every list offers; the API accepts 1..100. */
export const PAGE_SIZES = [10, 20, 25, 50, 100] as const;

/**
 * What `Paginator` and `CursorPaginator` share: the navigation landmark, the summary
 * ("Showing 26–50 of 120 admins"), "Rows per page" and, after it, the page controls.
 */
export function PaginatorBar({
  noun,
  summary,
  pageSize,
  pageSizes,
  onPageSizeChange,
  children,
}: {
  noun: string;
  summary: string;
  pageSize: number;
  pageSizes: readonly number[];
  onPageSizeChange(pageSize: number): void;
  children: ReactNode;
}) {
  return (
    <Group justify="space-between" mt="md" gap="sm" wrap="wrap" role="navigation" aria-label={`Pages of ${noun}`} data-testid="paginator">
      <Text size="sm" c="dimmed" aria-live="polite">
        {summary}
      </Text>
      <Group gap="sm" wrap="wrap">
        <NativeSelect
          size="xs"
          label="Rows per page"
          styles={{ root: { display: 'flex', alignItems: 'center', gap: 6 }, label: { fontWeight: 400, whiteSpace: 'nowrap' } }}
          value={String(pageSize)}
          data={pageSizes.map((s) => String(s))}
          onChange={(e) => onPageSizeChange(Number(e.currentTarget.value))}
        />
        {children}
      </Group>
    </Group>
  );
}

export type PaginatorProps = {
  /** 1-based current page. */
  page: number;
  pageSize: number;
  /** Total number of rows across all pages (from the API's `total`). */
  total: number;
  onPageChange(page: number): void;
  /** Called with the new size; callers normally also go back to page 1. */
  onPageSizeChange(pageSize: number): void;
  pageSizes?: readonly number[];
  /** What the rows are, for the summary and screen readers, e.g. "admins". */
  noun?: string;
};

/**
 * Pagination bar for server-paged lists: "Showing 26–50 of 120 admins", page buttons and a
 * "Rows per page" select. Works with any `{ items, total, page, pageSize }` list from the API.
 */
export function Paginator({ page, pageSize, total, onPageChange, onPageSizeChange, pageSizes = PAGE_SIZES, noun = 'rows' }: PaginatorProps) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <PaginatorBar
      noun={noun}
      summary={total === 0 ? `No ${noun}` : `Showing ${first}–${last} of ${total} ${noun}`}
      pageSize={pageSize}
      pageSizes={pageSizes}
      onPageSizeChange={onPageSizeChange}
    >
      <Pagination
        size="sm"
        total={pages}
        value={Math.min(page, pages)}
        onChange={onPageChange}
        siblings={1}
        boundaries={1}
        getControlProps={(control) => ({ 'aria-label': `${control[0]!.toUpperCase()}${control.slice(1)} page` })}
        getItemProps={(p) => ({ 'aria-label': `Page ${p}`, 'aria-current': p === page ? 'page' : undefined })}
      />
    </PaginatorBar>
  );
}
