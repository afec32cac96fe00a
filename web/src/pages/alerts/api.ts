/** Alerts (Notification Center) for the web app (routes: src/modules/alerts/routes.ts): query keys and data hooks. */
import { useQuery } from '@tanstack/react-query';
import { get } from '../../api/client';

export type Alert = {
  id: number;
  module: string;
  severity: 'High' | 'Medium' | 'Low';
  summary: string;
  detail: string | null;
  firstDetected: string;
  lastDetected: string;
  active: boolean;
};

export const alertKeys = {
  all: ['alerts'] as const,
  active: ['alerts', 'active'] as const,
  list: (includeCleared: boolean) => ['alerts', { includeCleared }] as const,
};

/** The Notification Center's list: the latest 200, the cleared ones only when asked for. */
export function useAlerts(includeCleared: boolean) {
  return useQuery({
    queryKey: alertKeys.list(includeCleared),
    queryFn: ({ signal }) => get<{ items: Alert[] }>('/alerts', { includeCleared, limit: 200 }, { signal }),
  });
}

/** The active alerts behind the bell's count, checked every minute. */
export function useActiveAlerts(enabled: boolean) {
  return useQuery({
    queryKey: alertKeys.active,
    queryFn: ({ signal }) => get<{ items: unknown[] }>('/alerts', undefined, { signal }),
    enabled,
    refetchInterval: 60_000,
  });
}
