/** Audit logs for the web app (contract: src/modules/audit/schemas.ts): query keys and data hooks. */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { get } from '../../api/client';
import type { AuditEntry, AuditFacets, Paged } from '../../api/types';

export type { AuditEntry, AuditFacets };
export type AuditListParams = {
  from?: string;
  to?: string;
  adminId?: string;
  action?: string;
  module?: string;
  resource?: string;
  search?: string;
  page: number;
  pageSize: number;
};

export const auditKeys = {
  all: ['audit-logs'] as const,
  list: (p: AuditListParams) => ['audit-logs', 'list', p] as const,
  facets: ['audit-logs', 'facets'] as const,
};

export function useAuditLogs(p: AuditListParams, enabled: boolean) {
  return useQuery({
    queryKey: auditKeys.list(p),
    queryFn: ({ signal }) => get<Paged<AuditEntry>>('/audit-logs', p, { signal }),
    enabled,
    placeholderData: keepPreviousData,
  });
}

/** The values the filters offer (admins, modules, resources seen in the log). */
export function useAuditFacets() {
  return useQuery({ queryKey: auditKeys.facets, queryFn: ({ signal }) => get<AuditFacets>('/audit-logs/facets', undefined, { signal }) });
}
