/**
 * Incidents API for the web app. Types come from the server's zod schemas (type-only imports are
 * erased by the bundler); runtime constants come from the server's zod-free vocabulary module.
 */
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { del, get, post } from '../../api/client';
import type {
  BulkAction,
  BulkResult,
  Counts,
  duplicatesPage,
  FilterKey,
  FilterOptions,
  IncidentDetail,
  IncidentEvent,
  IncidentLabel,
  IncidentListItem,
  IncidentPage,
  LabelPick,
  Priority,
  Severity,
  SortField,
  SourceType,
  Status,
  Widget,
} from '@server/modules/incidents/schemas';
import type { LabelView } from '../labels/api';

export type {
  BulkAction,
  BulkResult,
  Counts,
  FilterKey,
  FilterOptions,
  IncidentDetail,
  IncidentEvent,
  IncidentLabel,
  IncidentListItem,
  IncidentPage,
  LabelPick,
  LabelView,
  Priority,
  Severity,
  SortField,
  SourceType,
  Status,
};
export type { Widget };

export { PAGE_SIZES } from '../../components/Paginator';
// The same lists the server validates with: a plain module with no zod, safe to bundle.
export { PRIORITIES, SEVERITIES, SORT_FIELDS, SOURCE_TYPES, STATUSES, WIDGET_LABELS, WIDGETS } from '@server/modules/incidents/vocabulary';

/** Query parameters accepted by GET /incidents, /incidents/export.csv and /incidents/:id (neighbours). */
export type ListParams = {
  from?: string;
  to?: string;
  widget?: Widget;
  status?: string[];
  severity?: string[];
  priority?: string[];
  sourceType?: string[];
  dlpAdmin?: string[];
  label?: string[];
  rule?: string[];
  engine?: string[];
  department?: string[];
  action?: string[];
  duplicated?: 'yes' | 'no';
  user?: string;
  exclude?: FilterKey[];
  search?: string;
  searchMode?: 'all' | 'transactionId';
  sort?: SortField;
  order?: 'asc' | 'desc';
  pageSize?: number;
  cursor?: string;
  withCounts?: boolean;
};

export const incidentKeys = {
  all: ['incidents'] as const,
  list: (p: ListParams) => ['incidents', 'list', p] as const,
  detail: (id: number, p: ListParams) => ['incidents', 'detail', id, p] as const,
  filters: ['incidents', 'filter-options'] as const,
  duplicates: (id: number, page: number) => ['incidents', 'duplicates', id, page] as const,
};

export function fetchIncidents(p: ListParams, signal?: AbortSignal) {
  return get<IncidentPage>('/incidents', p, { signal });
}

/** Values for the Filters window and the action dialogs (DLP Admin choices are the admins who can edit incidents). */
export function useFilterOptions(enabled = true) {
  return useQuery({
    queryKey: incidentKeys.filters,
    queryFn: ({ signal }) => get<FilterOptions>('/incidents/filter-options', undefined, { signal }),
    enabled,
    staleTime: 60_000,
  });
}

/** GET /incidents/:id/duplicates (`duplicatesPage` in the incidents schemas). */
export type DuplicatesPage = z.infer<typeof duplicatesPage>;

/* ------------------------------------------------------------------ actions */

export type ActionBody =
  | { kind: 'assign-to-me'; notes?: string }
  | { kind: 'assign'; adminId: number; notes?: string }
  | { kind: 'priority'; priority: Priority; notes?: string }
  | { kind: 'investigating'; notes?: string }
  | { kind: 'close'; notes?: string; resolutionLabelId?: number; resolutionValue?: string | null; falsePositive: boolean }
  | { kind: 'labels'; labels: LabelPick[]; notes?: string; mode?: 'replace' | 'add' }
  | { kind: 'reopen'; notes?: string }
  | { kind: 'notes'; notes: string };
export type ActionKind = ActionBody['kind'];

export const ACTION_TITLES: Record<ActionKind, string> = {
  'assign-to-me': 'Assign to Me',
  assign: 'Assign DLP Admin',
  priority: 'Assign Priority',
  investigating: 'Investigating',
  close: 'Close Incident',
  labels: 'Label',
  reopen: 'Reopen',
  notes: 'Notes',
};

function strip<T extends { kind: string }>(b: T): Omit<T, 'kind'> {
  const { kind: _kind, ...rest } = b;
  void _kind;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rest)) if (v !== undefined && v !== '') out[k] = v;
  return out as Omit<T, 'kind'>;
}

/** One incident: POST /incidents/:id/<action>. */
export function runAction(id: number, body: ActionBody) {
  return post<IncidentDetail>(`/incidents/${id}/${body.kind}`, strip(body));
}

/** Several incidents: POST /incidents/bulk/<action> with `ids`. Bulk Label always adds. */
export function runBulkAction(ids: number[], body: Exclude<ActionBody, { kind: 'reopen' | 'notes' }>) {
  const rest = strip(body) as Record<string, unknown>;
  delete rest.mode;
  return post<BulkResult>(`/incidents/bulk/${body.kind satisfies BulkAction}`, { ids, ...rest });
}

export function deleteIncident(id: number) {
  return del(`/incidents/${id}`);
}
