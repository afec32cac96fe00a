/**
 * Incidents API for the web app. Types come from the server's zod schemas (type-only imports are
 * erased by the bundler); runtime constants come from the server's zod-free vocabulary module.
 */
import { useCallback } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { z } from 'zod';
import { del, get, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
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
import type { SetIncidentGroupsBody } from '@server/modules/incident-groups/schemas';
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
  incidentGroup?: string[];
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
  withDetails?: boolean;
};

export const incidentKeys = {
  all: ['incidents'] as const,
  list: (p: ListParams) => ['incidents', 'list', p] as const,
  /** Every cached copy of one incident (one per list ordering its neighbours were computed in). */
  details: (id: number) => ['incidents', 'detail', id] as const,
  detail: (id: number, p: ListParams) => ['incidents', 'detail', id, p] as const,
  filters: ['incidents', 'filter-options'] as const,
  duplicates: (id: number, page: number, pageSize: number) => ['incidents', 'duplicates', id, page, pageSize] as const,
};

export function useIncidents(p: ListParams) {
  return useQuery({
    queryKey: incidentKeys.list(p),
    queryFn: ({ signal }) => get<IncidentPage>('/incidents', p, { signal }),
    placeholderData: keepPreviousData,
  });
}

/** The ids of the first `max` incidents matching `p`, read a page of 100 at a time ("Select All Incidents"). */
export async function fetchIncidentIds(p: ListParams, max: number): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const pg = await get<IncidentPage>('/incidents', { ...p, pageSize: 100, cursor });
    ids.push(...pg.items.map((i) => i.id));
    cursor = pg.nextCursor ?? undefined;
  } while (cursor && ids.length < max);
  return ids.slice(0, max);
}

/** One incident, with its neighbours in the list ordering `p` describes (Previous / Next). */
export function useIncident(id: number, p: ListParams, enabled: boolean) {
  return useQuery({
    queryKey: incidentKeys.detail(id, p),
    queryFn: ({ signal }) => get<IncidentDetail>(`/incidents/${id}`, p, { signal }),
    enabled,
  });
}

export function useDuplicates(id: number, page: number, pageSize: number, enabled: boolean) {
  return useQuery({
    queryKey: incidentKeys.duplicates(id, page, pageSize),
    queryFn: ({ signal }) => get<DuplicatesPage>(`/incidents/${id}/duplicates`, { page, pageSize }, { signal }),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/** Marks incident queries stale: all of them (the Refresh button), or one incident's (its ticket changed state). */
export function useRefreshIncidents(id?: number) {
  const qc = useQueryClient();
  return useCallback(() => void qc.invalidateQueries({ queryKey: id === undefined ? incidentKeys.all : incidentKeys.details(id) }), [qc, id]);
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

/** Notes on one incident (Incident Details' Notes box). */
export function useAddNote(id: number, cb?: MutationCallbacks<IncidentDetail, string>) {
  return useInvalidatingMutation((notes: string) => runAction(id, { kind: 'notes', notes }), [incidentKeys.all], cb);
}

/**
 * An action of the action windows on one incident (null result) or on the selected ones (the bulk
 * endpoint's per-incident results).
 */
export function useIncidentAction(
  target: { mode: 'single'; id: number } | { mode: 'bulk'; ids: number[] },
  cb?: MutationCallbacks<BulkResult | null, ActionBody>,
) {
  return useInvalidatingMutation(
    async (body: ActionBody): Promise<BulkResult | null> => {
      if (target.mode === 'single') {
        await runAction(target.id, body);
        return null;
      }
      return runBulkAction(target.ids, body as Parameters<typeof runBulkAction>[1]);
    },
    [incidentKeys.all],
    cb,
  );
}

/** Deleting forgets the incident's cached copies (nothing may show it again) and refreshes the list. */
export function useDeleteIncident(id: number, cb: MutationCallbacks<void, void> = {}) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => del(`/incidents/${id}`),
    onSuccess: (r, v) => {
      qc.removeQueries({ queryKey: incidentKeys.details(id) });
      void qc.invalidateQueries({ queryKey: incidentKeys.all });
      cb.onSuccess?.(r, v);
    },
    onError: cb.onError,
  });
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

/**
 * Update Incident Group: the incident's groups become exactly `groupIds` (one incident: null
 * result; the selected ones: the bulk endpoint's per-incident results).
 */
export function useUpdateIncidentGroups(
  target: { mode: 'single'; id: number } | { mode: 'bulk'; ids: number[] },
  cb?: MutationCallbacks<BulkResult | null, SetIncidentGroupsBody>,
) {
  return useInvalidatingMutation(
    async (body: SetIncidentGroupsBody): Promise<BulkResult | null> => {
      const payload = { groupIds: body.groupIds, ...(body.notes ? { notes: body.notes } : {}) };
      if (target.mode === 'single') {
        await post<IncidentDetail>(`/incidents/${target.id}/incident-groups`, payload);
        return null;
      }
      return post<BulkResult>('/incidents/bulk/incident-groups', { ids: target.ids, ...payload });
    },
    [incidentKeys.all],
    cb,
  );
}
