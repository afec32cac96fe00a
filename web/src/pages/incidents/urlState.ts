/**
 * The Incidents list keeps everything the admin chose — time range, widget, filters, search, sort,
 * page — in the URL query string, so a reload, a shared link and the Back button all show the same
 * list. Multi-valued filters are repeated parameters (`rule=a&rule=b`).
 */
import { useCallback, useMemo, useRef } from 'react';
import { useSearchParams } from 'react-router';
import { PAGE_SIZES, SORT_FIELDS, WIDGETS, type FilterKey, type ListParams, type SortField, type Widget } from './api';
import { DEFAULT_RANGE, isPreset, presetRange, type RangePreset } from './timeRange';

export const MULTI_FILTERS = [
  'status',
  'severity',
  'priority',
  'sourceType',
  'dlpAdmin',
  'label',
  'incidentGroup',
  'rule',
  'engine',
  'department',
  'action',
] as const satisfies readonly FilterKey[];
export type MultiFilter = (typeof MULTI_FILTERS)[number];
export const ALL_FILTER_KEYS = [...MULTI_FILTERS, 'duplicated'] as const satisfies readonly FilterKey[];

export type ListState = {
  range: RangePreset;
  /** Custom Date Range only (ISO). */
  from?: string;
  to?: string;
  widget?: Widget;
  filters: Partial<Record<MultiFilter, string[]>>;
  duplicated?: 'yes' | 'no';
  exclude: FilterKey[];
  user?: string;
  search?: string;
  searchMode: 'all' | 'transactionId';
  sort: SortField;
  order: 'asc' | 'desc';
  pageSize: number;
  cursor?: string;
  /** 1-based page number, for "Showing 11–20"; travels with `cursor`. */
  page: number;
};

export const DEFAULT_SORT: SortField = 'incidentDate';

export function parseListState(sp: URLSearchParams): ListState {
  const rangeRaw = sp.get('range');
  const range: RangePreset = isPreset(rangeRaw) ? rangeRaw : sp.get('from') ? 'custom' : DEFAULT_RANGE;
  const widgetRaw = sp.get('widget');
  const sortRaw = sp.get('sort');
  const pageSize = Number(sp.get('pageSize'));
  const filters: ListState['filters'] = {};
  for (const k of MULTI_FILTERS) {
    const vals = sp.getAll(k).filter(Boolean);
    if (vals.length) filters[k] = vals;
  }
  const dup = sp.get('duplicated');
  return {
    range,
    from: range === 'custom' ? (sp.get('from') ?? undefined) : undefined,
    to: range === 'custom' ? (sp.get('to') ?? undefined) : undefined,
    widget: (WIDGETS as readonly string[]).includes(widgetRaw ?? '') && widgetRaw !== 'all' ? (widgetRaw as Widget) : undefined,
    filters,
    duplicated: dup === 'yes' || dup === 'no' ? dup : undefined,
    exclude: sp.getAll('exclude').filter((k): k is FilterKey => (ALL_FILTER_KEYS as readonly string[]).includes(k)),
    user: sp.get('user') || undefined,
    search: sp.get('search') || undefined,
    searchMode: sp.get('searchMode') === 'transactionId' ? 'transactionId' : 'all',
    sort: (SORT_FIELDS as readonly string[]).includes(sortRaw ?? '') ? (sortRaw as SortField) : DEFAULT_SORT,
    order: sp.get('order') === 'asc' ? 'asc' : 'desc',
    pageSize: (PAGE_SIZES as readonly number[]).includes(pageSize) ? pageSize : 10,
    cursor: sp.get('cursor') || undefined,
    page: Math.max(1, Number(sp.get('page')) || 1),
  };
}

export function serializeListState(s: ListState): URLSearchParams {
  const sp = new URLSearchParams();
  if (s.range !== DEFAULT_RANGE) sp.set('range', s.range);
  if (s.range === 'custom') {
    if (s.from) sp.set('from', s.from);
    if (s.to) sp.set('to', s.to);
  }
  if (s.widget) sp.set('widget', s.widget);
  for (const k of MULTI_FILTERS) for (const v of s.filters[k] ?? []) sp.append(k, v);
  if (s.duplicated) sp.set('duplicated', s.duplicated);
  for (const k of s.exclude) sp.append('exclude', k);
  if (s.user) sp.set('user', s.user);
  if (s.search) {
    sp.set('search', s.search);
    if (s.searchMode !== 'all') sp.set('searchMode', s.searchMode);
  }
  if (s.sort !== DEFAULT_SORT) sp.set('sort', s.sort);
  if (s.order !== 'desc') sp.set('order', s.order);
  if (s.pageSize !== 10) sp.set('pageSize', String(s.pageSize));
  if (s.cursor) {
    sp.set('cursor', s.cursor);
    sp.set('page', String(s.page));
  }
  return sp;
}

/** The resolved time window of a state, as ISO strings. `nonce` lets Refresh re-anchor rolling windows. */
export function resolveRange(s: Pick<ListState, 'range' | 'from' | 'to'>): { from?: string; to?: string } {
  if (s.range === 'custom') return { from: s.from, to: s.to };
  const r = presetRange(s.range);
  return { from: r.from.toISOString(), to: r.to.toISOString() };
}

/** The API parameters of a state (without paging). Excludes only name filters that are set. */
export function apiFilters(s: ListState, range: { from?: string; to?: string }): ListParams {
  const active = new Set<FilterKey>([...MULTI_FILTERS.filter((k) => s.filters[k]?.length), ...(s.duplicated ? (['duplicated'] as const) : [])]);
  const p: ListParams = {
    from: range.from,
    to: range.to,
    widget: s.widget,
    duplicated: s.duplicated,
    exclude: s.exclude.filter((k) => active.has(k)),
    user: s.user,
    search: s.search,
    searchMode: s.search ? s.searchMode : undefined,
    sort: s.sort,
    order: s.order,
  };
  for (const k of MULTI_FILTERS) if (s.filters[k]?.length) p[k] = s.filters[k];
  if (!p.exclude?.length) delete p.exclude;
  return p;
}

export function countActiveFilters(s: ListState): number {
  return MULTI_FILTERS.filter((k) => s.filters[k]?.length).length + (s.duplicated ? 1 : 0);
}

export function useListState() {
  const [sp, setSp] = useSearchParams();
  const state = useMemo(() => parseListState(sp), [sp]);
  // The newest list state asked for, even before the URL change has rendered. React Router's
  // function form of setSearchParams starts from the params of the last render, so two quick
  // changes (Reset, then Rows per page at once) would let the second undo the first.
  const latest = useRef(sp);
  const rendered = useRef(sp);
  if (rendered.current !== sp) {
    rendered.current = sp;
    latest.current = sp;
  }
  /**
   * Any change but paging goes back to the first page. A patch given as a function reads the
   * newest state: a toggle clicked again before the first click has rendered must see it.
   */
  const update = useCallback(
    (patch: Partial<ListState> | ((latestState: ListState) => Partial<ListState>), opts: { keepPage?: boolean; replace?: boolean } = {}) => {
      const current = parseListState(latest.current);
      const next: ListState = { ...current, ...(typeof patch === 'function' ? patch(current) : patch) };
      if (!opts.keepPage) {
        next.cursor = undefined;
        next.page = 1;
      }
      latest.current = serializeListState(next);
      setSp(latest.current, { replace: opts.replace });
    },
    [setSp],
  );
  return { state, update, search: sp.toString() };
}
