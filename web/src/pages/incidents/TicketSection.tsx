import { useEffect, useRef } from 'react';
import { Divider, Stack, Text } from '@mantine/core';
import { useAuth } from '../../auth';
import { DateTime, ErrorState, Loading } from '../../components/common';
import { canRetry, useIncidentTickets, type TicketView } from '../tickets/api';
import { useRefreshIncidents } from './api';
import { RetryTicketButton, TicketFailure, TicketLink, TicketStatus } from '../tickets/parts';
import { Fields, Section } from './Section';
import type { IncidentDetail } from './api';

function TicketFields({ ticket: t }: { ticket: TicketView }) {
  return (
    <Fields
      cols={4}
      fields={[
        ['Ticketing Integration', `${t.integration.name} (${t.integration.typeLabel})`],
        ['Ticket ID', <TicketLink ticket={t} />],
        ['Project', t.project ? `${t.project.name} (${t.project.key})` : undefined],
        ['Ticket Status', <TicketStatus ticket={t} />],
        ['Assignee', t.assignee.email ? `${t.assignee.name} (${t.assignee.email})` : t.assignee.name],
        ['Last Synced', t.lastSyncedAt ? <DateTime value={t.lastSyncedAt} /> : t.state === 'creating' ? undefined : 'Not yet'],
        [
          'Requested',
          <>
            <DateTime value={t.createdAt} /> by {t.createdBy}
          </>,
        ],
        ['Closed', t.closedAt ? <DateTime value={t.closedAt} /> : undefined],
      ]}
    />
  );
}

/**
 * The Ticket section of Incident Details (PRODUCT.md §2): every ticket of the incident, newest
 * first, with its live status. Hidden until a ticket action has run. It refreshes itself while a
 * ticket is being created or open, and refreshes the incident when a ticket changes state (a closed
 * ticket may have resolved the incident).
 */
export function TicketSection({ incident }: { incident: IncidentDetail }) {
  const { can } = useAuth();
  const canEdit = can('Incidents', 'edit');
  const q = useIncidentTickets(incident.id);
  const refreshIncident = useRefreshIncidents(incident.id);
  const states = q.data?.items.map((t) => `${t.id}:${t.state}`).join(',');
  const seen = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (states === undefined) return;
    if (seen.current !== undefined && seen.current !== states) refreshIncident();
    seen.current = states;
  }, [states, refreshIncident]);

  if (q.isLoading)
    return (
      <Section title="Ticket" testId="ticket-section">
        <Loading label="Loading tickets…" />
      </Section>
    );
  if (q.isError)
    return (
      <Section title="Ticket" testId="ticket-section">
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      </Section>
    );
  const tickets = q.data?.items ?? [];
  if (!tickets.length) return null;
  return (
    <Section title="Ticket" testId="ticket-section">
      <Stack gap="sm" role="list" aria-label="Tickets, newest first">
        {tickets.map((t, i) => (
          <Stack key={t.id} gap="xs" role="listitem" data-testid={`ticket-${t.id}`} data-state={t.state}>
            {i > 0 ? <Divider /> : null}
            <TicketFields ticket={t} />
            <TicketFailure ticket={t} />
            {t.notes ? (
              <Text size="sm" c="dimmed" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                Notes: {t.notes}
              </Text>
            ) : null}
            {canEdit && canRetry(t) ? (
              <div>
                <RetryTicketButton ticket={t} size="sm" />
              </div>
            ) : null}
          </Stack>
        ))}
      </Stack>
    </Section>
  );
}
