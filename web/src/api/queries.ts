/** Queries several pages share, so they use one cache entry and one request. */
import { useQuery } from '@tanstack/react-query';
import { get } from './client';
import type { RoleView } from './types';

/** GET /roles (Roles page, the role pickers of Add Admin, Change Role and Create API Key). */
export function useRoles(enabled = true) {
  return useQuery({ queryKey: ['roles'], queryFn: () => get<{ items: RoleView[] }>('/roles'), enabled });
}
