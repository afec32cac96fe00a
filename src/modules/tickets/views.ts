import type { IntegrationSummary } from '../integrations/service.js';
import { descriptorOf } from '../../connectors/descriptors.js';
import type { TicketView } from './schemas.js';
import type { TicketRecord } from './store.js';

function parseFieldErrors(text: string | null): Record<string, string> | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch {
    return null;
  }
}

/** A ticket as the API shows it; the integration's live name while it exists, else the name it had. */
export function ticketView(t: TicketRecord, integration: IntegrationSummary | undefined): TicketView {
  return {
    id: t.id,
    incidentId: t.incident_id,
    transactionId: t.transaction_id,
    integration: {
      id: t.integration_id,
      name: integration?.name ?? t.integration_name,
      type: t.integration_type,
      typeLabel: descriptorOf(t.integration_type).label,
    },
    project: t.project_key ? { id: t.project_id, key: t.project_key, name: t.project_name ?? t.project_key } : null,
    state: t.state,
    ticketKey: t.external_key,
    ticketUrl: t.external_url,
    externalStatus: t.external_status,
    assignee: { integrationUserId: t.integration_user_id, name: t.assignee_name, email: t.assignee_email },
    notes: t.notes,
    failureReason: t.failure_reason,
    fieldErrors: parseFieldErrors(t.field_errors),
    attempts: t.attempts,
    createdBy: t.created_by,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
    lastSyncedAt: t.last_synced_at,
    closedAt: t.closed_at,
  };
}

/** How a ticket is named in messages: its key once created. */
export function ticketName(t: Pick<TicketRecord, 'external_key' | 'id'>): string {
  return t.external_key ?? `#${t.id} (being created)`;
}
