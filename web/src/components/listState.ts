import { useState } from 'react';
import type { SortOrder } from './table';

/**
 * Page number and page size of a server-paged list. A new page size goes back to page 1;
 * `paginator` is what `<Paginator>` needs besides `total` and `noun`.
 */
export function usePaging(initialPageSize = 25) {
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState(initialPageSize);
  const onPageSizeChange = (s: number) => {
    setPageSize(s);
    setPage(1);
  };
  return { page, pageSize, setPage, paginator: { page, pageSize, onPageChange: setPage, onPageSizeChange } };
}

/** Sort column and order of a list; `onChange` runs on every change (lists go back to page 1). Spread `th` into each `<SortableTh>`. */
export function useSorting<F extends string>(initial: F, onChange?: () => void, initialOrder: SortOrder = 'asc') {
  const [sort, setSort] = useState<F>(initial);
  const [order, setOrder] = useState<SortOrder>(initialOrder);
  const onSort = (f: F, o: SortOrder) => {
    setSort(f);
    setOrder(o);
    onChange?.();
  };
  return { sort, order, th: { sort, order, onSort } };
}
