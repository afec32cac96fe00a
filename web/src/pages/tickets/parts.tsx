import { Anchor, Badge, Button, Group, List, Stack, Text, Tooltip } from '@mantine/core';
import { notifyError, notifySuccess } from '../../components/notify';
import { TICKET_STATE_LABELS, isStuck, useRetryTicket, type TicketView } from './api';

/** The ticket's key as a link that opens it in ServiceNow / Jira in a new tab; "Not created yet" before it exists. */
export function TicketLink({ ticket: t }: { ticket: TicketView }) {
  if (!t.ticketKey)
    return (
      <Text span size="sm" c="dimmed">
        Not created yet
      </Text>
    );
  if (!t.ticketUrl)
    return (
      <Text span size="sm" ff="monospace">
        {t.ticketKey}
      </Text>
    );
  return (
    <Anchor
      href={t.ticketUrl}
      target="_blank"
      rel="noopener noreferrer"
      size="sm"
      ff="monospace"
      style={{ whiteSpace: 'nowrap' }}
      aria-label={`${t.ticketKey} (opens in ${t.integration.typeLabel} in a new tab)`}
    >
      {t.ticketKey} ↗
    </Anchor>
  );
}

/** Our state as a badge, then the ticketing system's own status name (live), e.g. "Open · In Progress". */
export function TicketStatus({ ticket: t }: { ticket: TicketView }) {
  const s = TICKET_STATE_LABELS[t.state];
  const stuck = isStuck(t);
  return (
    <Group gap={6} wrap="wrap" component="span" data-testid="ticket-status">
      <Badge color={stuck ? 'orange' : s.color} variant="light" style={{ overflow: 'visible' }}>
        {stuck ? 'Stuck' : s.label}
      </Badge>
      {t.externalStatus ? (
        <Tooltip label={`Status in ${t.integration.typeLabel}`}>
          <Text span size="sm" tabIndex={0}>
            {t.externalStatus}
          </Text>
        </Tooltip>
      ) : null}
    </Group>
  );
}

/** Why the ticket failed, in the ticketing system's own words, field by field when it said which fields. */
export function TicketFailure({ ticket: t }: { ticket: TicketView }) {
  const fields = Object.entries(t.fieldErrors ?? {});
  if (!t.failureReason && !fields.length && !isStuck(t)) return null;
  return (
    <Stack gap={2} data-testid="ticket-failure">
      {t.failureReason ? (
        <Text size="sm" c="red" style={{ overflowWrap: 'anywhere' }}>
          {t.failureReason}
        </Text>
      ) : isStuck(t) ? (
        <Text size="sm" c="orange">
          Still being created after {t.attempts} attempt{t.attempts === 1 ? '' : 's'}; retry to try again.
        </Text>
      ) : null}
      {fields.length ? (
        <List size="sm" c="red" aria-label="Fields refused">
          {fields.map(([field, message]) => (
            <List.Item key={field}>
              <Text span size="sm" fw={600} ff="monospace">
                {field}
              </Text>
              : {message}
            </List.Item>
          ))}
        </List>
      ) : null}
    </Stack>
  );
}

/** Retry of one failed (or stuck) ticket; refreshes every tickets view and the incident (its State Changes). */
export function RetryTicketButton({ ticket: t, size = 'xs' }: { ticket: TicketView; size?: 'xs' | 'sm' }) {
  const m = useRetryTicket({
    onSuccess: () => notifySuccess('Retrying', `The ticket on ${t.integration.name} for incident ${t.transactionId} is being created again.`),
    onError: (err) => notifyError('Could not retry the ticket', err),
  });
  return (
    <Button
      size={size}
      variant="light"
      color="orange"
      loading={m.isPending}
      onClick={() => m.mutate(t)}
      aria-label={`Retry the ticket on ${t.integration.name} for incident ${t.transactionId}`}
    >
      Retry
    </Button>
  );
}
