import { useState } from 'react';
import { Badge, Button, Group, NativeSelect, Text } from '@mantine/core';
import { useAuth } from '../../auth';
import { DataList } from '../../components/DataList';
import { Paginator } from '../../components/Paginator';
import { DateTime, EmptyState, ErrorState, Loading } from '../../components/common';
import { usePaging, useSorting } from '../../components/listState';
import { notifyError, notifySuccess } from '../../components/notify';
import { TestEmailDialog } from './TestEmailDialog';
import { useDeliveries, useRetryDelivery, type DeliveryChannel, type DeliverySort, type DeliveryStatus, type MessageView } from './api';

const STATUS_COLORS: Record<DeliveryStatus, string> = { queued: 'blue', sent: 'green', failed: 'red' };
const STATUS_LABELS: Record<DeliveryStatus, string> = { queued: 'Queued', sent: 'Sent', failed: 'Failed' };
const CHANNEL_LABELS: Record<DeliveryChannel, string> = { email: 'Email', slack: 'Slack', teams: 'Microsoft Teams' };

/** Notification Center > Deliveries: every message to every recipient, its status, the failure reason and Retry. */
export function DeliveriesView() {
  const { can } = useAuth();
  const canRetry = can('Notification Center', 'edit');
  const { page, pageSize, setPage, paginator } = usePaging(25);
  const sorting = useSorting<DeliverySort>('createdAt', () => setPage(1), 'desc');
  const [status, setStatus] = useState<DeliveryStatus | ''>('');
  const [channel, setChannel] = useState<DeliveryChannel | ''>('');
  const [testing, setTesting] = useState(false);
  const q = useDeliveries({ page, pageSize, sort: sorting.sort, order: sorting.order, status: status || undefined, channel: channel || undefined });
  const retry = useRetryDelivery({
    onSuccess: (m) => notifySuccess('Delivery queued again', `The message to ${m.recipientName ?? m.recipient} will be sent again now.`),
    onError: (err) => notifyError('Could not retry the delivery', err),
  });
  const retryButton = (m: MessageView) =>
    m.status === 'failed' && canRetry ? (
      <Button
        size="compact-sm"
        variant="light"
        onClick={() => retry.mutate(m)}
        loading={retry.isPending && retry.variables?.id === m.id}
        aria-label={`Retry the delivery to ${m.recipientName ?? m.recipient}`}
      >
        Retry
      </Button>
    ) : null;

  return (
    <>
      <Group mb="md" wrap="wrap" align="flex-end">
        <NativeSelect
          label="Status"
          value={status}
          onChange={(e) => (setStatus(e.currentTarget.value as DeliveryStatus | ''), setPage(1))}
          data={[{ value: '', label: 'All' }, ...(['queued', 'sent', 'failed'] as const).map((s) => ({ value: s, label: STATUS_LABELS[s] }))]}
        />
        <NativeSelect
          label="Channel"
          value={channel}
          onChange={(e) => (setChannel(e.currentTarget.value as DeliveryChannel | ''), setPage(1))}
          data={[{ value: '', label: 'All' }, ...(['email', 'slack', 'teams'] as const).map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))]}
        />
        {canRetry ? (
          <Button variant="light" ml="auto" onClick={() => setTesting(true)}>
            Send test email
          </Button>
        ) : null}
      </Group>
      <TestEmailDialog opened={testing} onClose={() => setTesting(false)} />
      {q.isLoading ? (
        <Loading label="Loading deliveries…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No deliveries">
          {status || channel ? 'No message matches these filters.' : 'Notifications sent by email, Slack or Teams show here.'}
        </EmptyState>
      ) : (
        <>
          <DataList
            label="Deliveries"
            items={q.data.items}
            rowKey={(m) => m.id}
            rowTestId={(m) => `delivery-${m.id}`}
            minWidth={900}
            busy={q.isFetching}
            sorting={sorting.th}
            cardTitle={(m) => m.subject}
            cardActions={retryButton}
            columns={[
              { header: 'ID', cell: (m) => m.id, width: 60 },
              {
                header: 'Recipient',
                sortField: 'recipient',
                cell: (m) =>
                  m.channel === 'email' ? (m.recipientName ? `${m.recipientName} <${m.recipient}>` : m.recipient) : (m.recipientName ?? m.recipient),
              },
              { header: 'Channel', cell: (m) => CHANNEL_LABELS[m.channel] },
              { header: 'Subject', cell: (m) => m.subject, card: null, maxWidth: 280 },
              {
                header: 'Status',
                sortField: 'status',
                cell: (m) => (
                  <Badge color={STATUS_COLORS[m.status]} variant="light">
                    {STATUS_LABELS[m.status]}
                  </Badge>
                ),
              },
              { header: 'Attempts', cell: (m) => m.attempts },
              {
                header: 'Reason',
                maxWidth: 340,
                cell: (m) =>
                  m.lastError ? (
                    <Text size="sm" c={m.status === 'failed' ? 'red' : 'dimmed'}>
                      {m.lastError}
                    </Text>
                  ) : (
                    '—'
                  ),
              },
              { header: 'Created', sortField: 'createdAt', cell: (m) => <DateTime value={m.createdAt} /> },
              { header: 'Sent', sortField: 'sentAt', cell: (m) => <DateTime value={m.sentAt} /> },
              canRetry && { header: 'Actions', card: null, cell: retryButton },
            ]}
          />
          <Paginator noun="deliveries" {...paginator} total={q.data.total} />
        </>
      )}
    </>
  );
}
