/**
 * Tickets API for the web app (contract: src/modules/tickets/schemas.ts). Types come from the
 * server's zod schemas as type-only imports; the bundler erases them.
 */
import { useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { get, post } from '../../api/client';
import type {
  CreateTicketInput,
  TicketListQuery,
  TicketOptions,
  TicketPreview,
  TicketState,
  TicketView,
  bulkRetryResult,
  ticketPage,
} from '../../../../src/modules/tickets/schemas';
// The server refuses a Retry of a creating ticket before this; the page shows it as stuck after it.
import { STUCK_AFTER_MS } from '../../../../src/modules/tickets/schemas';

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
  list: (p: TicketListParams) => ['tickets', 'list', p] as const,
};

/** How often a view refreshes its tickets: quickly while one is being created, slowly while one is open (its status is live). */
export function ticketRefreshInterval(tickets: TicketView[] | undefined): number | false {
  if (tickets?.some((t) => t.state === 'creating')) return 3_000;
  if (tickets?.some((t) => t.state === 'open')) return 15_000;
  return false;
}

export function useIncidentTickets(incidentId: number) {
  return useQuery({
    queryKey: ticketKeys.incident(incidentId),
    queryFn: () => get<{ items: TicketView[] }>(`/incidents/${incidentId}/tickets`),
    refetchInterval: (q) => ticketRefreshInterval(q.state.data?.items),
  });
}

/** Enabled ticketing integrations of the org with their projects and active users (the Ticket window's choices). */
export function useTicketOptions(incidentId: number, enabled = true) {
  return useQuery({
    queryKey: ticketKeys.options(incidentId),
    queryFn: () => get<TicketOptions>(`/incidents/${incidentId}/ticket-options`),
    enabled,
    staleTime: 30_000,
  });
}

export const previewTicket = (incidentId: number, body: CreateTicketInput) => post<TicketPreview>(`/incidents/${incidentId}/tickets/preview`, body);
export const createTicket = (incidentId: number, body: CreateTicketInput) => post<TicketView>(`/incidents/${incidentId}/tickets`, body);
export const retryTicket = (id: number) => post<TicketView>(`/tickets/${id}/retry`);
export const retryTickets = (ids: number[]) => post<BulkRetryResult>('/tickets/retry', { ids });
export const fetchTickets = (p: TicketListParams) => get<TicketPage>('/tickets', p);
