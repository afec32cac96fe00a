/**
 * Tickets API for the web app (contract: src/modules/tickets/schemas.ts). Types come from the
 * server's zod schemas as type-only imports; the bundler erases them.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { get, post } from '../../api/client';
import { useInvalidatingMutation, type MutationCallbacks } from '../../api/mutation';
import type {
  CreateTicketInput,
  TicketListQuery,
  TicketOptions,
  TicketPreview,
  TicketState,
  TicketView,
  bulkRetryResult,
  ticketPage,
} from '@server/modules/tickets/schemas';
// The server refuses a Retry of a creating ticket before this; the page shows it as stuck after it.
import { STUCK_AFTER_MS } from '@server/modules/tickets/schemas';

export type { CreateTicketInput, TicketOptions, TicketPreview, TicketState, TicketView };
export type TicketPage = z.infer<typeof ticketPage>;
export type BulkRetryResult = z.infer<typeof bulkRetryResult>;
export type TicketSort = TicketListQuery['sort'];
/** The list's query as the page sends it: every filter optional, the server fills the defaults. */
export type TicketListParams = Partial<TicketListQuery>;

/** Same order as the server's TICKET_STATES (a zod-free copy: the schemas module cannot be bundled). */
export const TICKET_STATE_LABELS: Record<TicketState, { label: string; color: string }> = {
  creating: { label: 'Creating…', color: 'blue' },
  open: { label: 'Open', color: 'green' },
  closed: { label: 'Closed', color: 'gray' },
  failed: { label: 'Failed', color: 'red' },
};

export function isStuck(t: TicketView, now = Date.now()): boolean {
  return t.state === 'creating' && now - new Date(t.updatedAt).getTime() > STUCK_AFTER_MS;
}
export function canRetry(t: TicketView): boolean {
  return t.state === 'failed' || isStuck(t);
}

export const ticketKeys = {
  all: ['tickets'] as const,
  incident: (incidentId: number) => ['tickets', 'incident', incidentId] as const,
  options: (incidentId: number) => ['tickets', 'options', incidentId] as const,
  preview: (incidentId: number, body: CreateTicketInput | null) => ['tickets', 'preview', incidentId, body] as const,
  list: (p: TicketListParams) => ['tickets', 'list', p] as const,
};
/** A ticket change shows in the incident too (its State Changes and Ticket section). */
const INCIDENTS = ['incidents'] as const;
/** The Integration filter's choices: the same cache entry as the Integrations page's list. */
const INTEGRATIONS_LIST = ['integrations', 'list'] as const;
export type IntegrationRef = { id: number; name: string; typeLabel: string };

/** How often a view refreshes its tickets: quickly while one is being created, slowly while one is open (its status is live). */
export function ticketRefreshInterval(tickets: TicketView[] | undefined): number | false {
  if (tickets?.some((t) => t.state === 'creating')) return 3_000;
  if (tickets?.some((t) => t.state === 'open')) return 15_000;
  return false;
}

export function useIncidentTickets(incidentId: number) {
  return useQuery({
    queryKey: ticketKeys.incident(incidentId),
    queryFn: ({ signal }) => get<{ items: TicketView[] }>(`/incidents/${incidentId}/tickets`, undefined, { signal }),
    refetchInterval: (q) => ticketRefreshInterval(q.state.data?.items),
  });
}

/** Enabled ticketing integrations of the org with their projects and active users (the Ticket window's choices). */
export function useTicketOptions(incidentId: number, enabled = true) {
  return useQuery({
    queryKey: ticketKeys.options(incidentId),
    queryFn: ({ signal }) => get<TicketOptions>(`/incidents/${incidentId}/ticket-options`, undefined, { signal }),
    enabled,
    staleTime: 30_000,
  });
}

/** Every ticket across incidents (the Tickets page), refreshed while one is being created or open. */
export function useTickets(p: TicketListParams, enabled: boolean) {
  return useQuery({
    queryKey: ticketKeys.list(p),
    queryFn: ({ signal }) => get<TicketPage>('/tickets', p, { signal }),
    enabled,
    placeholderData: keepPreviousData,
    refetchInterval: (query) => ticketRefreshInterval(query.state.data?.items),
  });
}

/** The integrations to filter tickets by (only for roles that may list integrations). */
export function useTicketIntegrations(enabled: boolean) {
  return useQuery({
    queryKey: INTEGRATIONS_LIST,
    queryFn: ({ signal }) => get<{ items: IntegrationRef[] }>('/integrations', undefined, { signal }),
    enabled,
    staleTime: 60_000,
  });
}

/** What the ticket would say, for the Ticket window's preview (null: the form is not complete yet). */
export function useTicketPreview(incidentId: number, body: CreateTicketInput | null, enabled: boolean) {
  return useQuery({
    queryKey: ticketKeys.preview(incidentId, body),
    queryFn: ({ signal }) => post<TicketPreview>(`/incidents/${incidentId}/tickets/preview`, body, { signal }),
    enabled: enabled && !!body,
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useCreateTicket(incidentId: number, cb?: MutationCallbacks<TicketView, CreateTicketInput>) {
  return useInvalidatingMutation((body: CreateTicketInput) => post<TicketView>(`/incidents/${incidentId}/tickets`, body), [ticketKeys.all, INCIDENTS], cb);
}

export function useRetryTicket(cb?: MutationCallbacks<TicketView, TicketView>) {
  return useInvalidatingMutation((t: TicketView) => post<TicketView>(`/tickets/${t.id}/retry`), [ticketKeys.all, INCIDENTS], cb);
}

export function useRetryTickets(cb?: MutationCallbacks<BulkRetryResult, number[]>) {
  return useInvalidatingMutation((ids: number[]) => post<BulkRetryResult>('/tickets/retry', { ids }), [ticketKeys.all], cb);
}
