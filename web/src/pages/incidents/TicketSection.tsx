import type { IncidentDetail } from './api';

/**
 * The Ticket section of Incident Details (PRODUCT.md §2). Intentionally empty: the ticketing issue
 * fills it (ticket status, link to the ServiceNow / Jira Cloud ticket, and the "Ticket" action).
 * It is already placed on the page, between Current State Details and Notes, so that work only
 * has to replace this component's body.
 */
export function TicketSection({ incident }: { incident: IncidentDetail }) {
  void incident;
  return null;
}
