import { Badge, Stack, Text, Title } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { DateTime, ErrorState, Loading } from '../../components/common';
import { Section } from '../incidents/Section';
import { useRemediation, type RemediationView, type RequestView, type ResponseView } from './api';

const STATE: Record<RequestView['state'], { label: string; color: string }> = {
  open: { label: 'Awaiting response', color: 'blue' },
  answered: { label: 'Responded', color: 'green' },
  expired: { label: 'Link expired', color: 'gray' },
};
type Delivery = RemediationView['deliveries'][number];
const DELIVERY_COLOR: Record<string, string> = { sent: 'green', failed: 'red', queued: 'blue' };

/** Incident Details > User Notifications and Responses: who was asked, on which channels, what they answered. */
export function RemediationSection({ incidentId }: { incidentId: number }) {
  const q = useRemediation(incidentId);
  const body = (node: (v: RemediationView) => React.ReactNode) =>
    q.isLoading ? <Loading label="Loading…" /> : q.isError ? <ErrorState error={q.error} onRetry={() => void q.refetch()} /> : node(q.data!);
  return (
    <>
      <Section title="Responses" testId="responses-section">
        {body((v) =>
          v.responses.length ? (
            <DataList<ResponseView>
              label="Responses"
              items={v.responses}
              rowKey={(r) => `${r.id}-${r.question}`}
              minWidth={560}
              cardTitle={(r) => r.question}
              columns={[
                { header: 'Question', cell: (r) => r.question, card: null },
                {
                  header: 'Answer',
                  cell: (r) => (
                    <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
                      {r.answer}
                    </Text>
                  ),
                  maxWidth: 420,
                },
                { header: 'Responder', cell: (r) => (r.responderName ? `${r.responderName} (${r.responder})` : r.responder) },
                { header: 'Time', cell: (r) => <DateTime value={r.respondedAt} /> },
              ]}
            />
          ) : (
            <Text size="sm" c="dimmed">
              No responses yet.
            </Text>
          ),
        )}
      </Section>
      <Section title="User Notifications" testId="user-notifications">
        {body((v) =>
          v.requests.length ? (
            <Stack gap="md">
              <DataList<RequestView>
                label="User Notifications"
                items={v.requests}
                rowKey={(r) => r.id}
                minWidth={760}
                cardTitle={(r) => r.recipient}
                columns={[
                  { header: 'User', cell: (r) => (r.recipientName ? `${r.recipientName} (${r.recipient})` : r.recipient), card: null },
                  { header: 'Role', cell: (r) => r.role },
                  { header: 'Channel', cell: (r) => r.channels.join(', ') },
                  {
                    header: 'Status',
                    cell: (r) => (
                      <Badge color={STATE[r.state].color} variant="light">
                        {STATE[r.state].label}
                      </Badge>
                    ),
                  },
                  { header: 'Initial Notification Date', cell: (r) => <DateTime value={r.sentAt} /> },
                  { header: 'Response Date', cell: (r) => (r.answeredAt ? <DateTime value={r.answeredAt} /> : '—') },
                  { header: 'Link Expiry', cell: (r) => <DateTime value={r.expiresAt} /> },
                ]}
              />
              <div>
                <Title order={3} size="h5" mb={6}>
                  Deliveries
                </Title>
                {v.deliveries.length ? (
                  <DataList<Delivery>
                    label="Deliveries"
                    items={v.deliveries}
                    rowKey={(d) => d.id}
                    minWidth={560}
                    cardTitle={(d) => d.recipient}
                    columns={[
                      { header: 'Channel', cell: (d) => d.channel },
                      { header: 'Recipient', cell: (d) => d.recipient, card: null },
                      {
                        header: 'Status',
                        cell: (d) => (
                          <Badge color={DELIVERY_COLOR[d.status] ?? 'gray'} variant="light">
                            {d.status}
                          </Badge>
                        ),
                      },
                      { header: 'No. of Attempts', cell: (d) => d.attempts ?? '—' },
                      { header: 'Reason', cell: (d) => d.reason ?? '—', maxWidth: 360 },
                    ]}
                  />
                ) : (
                  <Text size="sm" c="dimmed">
                    No messages recorded yet.
                  </Text>
                )}
              </div>
            </Stack>
          ) : (
            <Text size="sm" c="dimmed">
              Nobody has been notified about this incident yet.
            </Text>
          ),
        )}
      </Section>
    </>
  );
}
