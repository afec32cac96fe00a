import { Badge, Button, Text, Title } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { DateTime, EmptyState, ErrorState, Loading } from '../../components/common';
import { usePaging } from '../../components/listState';
import { notifyError, notifySuccess } from '../../components/notify';
import { Paginator } from '../../components/Paginator';
import { useDeliveries, useRetryDelivery, type DeliveryView, type WebhookView } from './api';

const STATUS_COLORS: Record<DeliveryView['status'], string> = { pending: 'gray', retrying: 'yellow', delivered: 'green', failed: 'red' };
const STATUS_LABELS: Record<DeliveryView['status'], string> = { pending: 'Pending', retrying: 'Retrying', delivered: 'Delivered', failed: 'Failed' };

/** One webhook's deliveries, newest first, times in the viewer's time zone; a failed one has Retry. */
export function DeliveryLog({ webhook, canEdit }: { webhook: WebhookView; canEdit: boolean }) {
  const { page, pageSize, paginator } = usePaging(10);
  const q = useDeliveries(webhook.id, page, pageSize);
  const retry = useRetryDelivery({
    onSuccess: (d) => notifySuccess('Delivery queued again', `${d.eventType} to ${webhook.name} goes out again now.`),
    onError: (err) => notifyError('Could not retry the delivery', err),
  });
  return (
    <section aria-label={`Delivery log of ${webhook.name}`}>
      <Title order={2} size="h4" mt="xl" mb="sm">
        Delivery log: {webhook.name}
      </Title>
      {q.isLoading ? (
        <Loading label="Loading deliveries…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No deliveries yet">Deliveries show here once a followed event happens, or after Send test event.</EmptyState>
      ) : (
        <>
          <DataList
            label={`Deliveries of ${webhook.name}`}
            items={q.data.items}
            rowKey={(d) => d.id}
            rowTestId={(d) => `delivery-row-${d.id}`}
            minWidth={760}
            cardCols={2}
            cardTitle={(d) => (
              <Text fw={600} size="sm">
                {d.eventType}
              </Text>
            )}
            columns={[
              { header: 'Time', cell: (d) => <DateTime value={d.createdAt} /> },
              { header: 'Event', cell: (d) => d.eventType, card: null },
              {
                header: 'Status',
                cell: (d) => (
                  <Badge color={STATUS_COLORS[d.status]} variant="light">
                    {STATUS_LABELS[d.status]}
                  </Badge>
                ),
              },
              { header: 'Response', cell: (d) => (d.responseCode === null ? '—' : String(d.responseCode)) },
              { header: 'Attempts', cell: (d) => String(d.attempts) },
              {
                header: 'Last Error',
                cell: (d) =>
                  d.lastError ? (
                    <Text size="xs" c="red" style={{ wordBreak: 'break-word' }}>
                      {d.lastError}
                    </Text>
                  ) : (
                    '—'
                  ),
              },
              canEdit && {
                header: 'Actions',
                width: 100,
                cell: (d) =>
                  d.status === 'failed' ? (
                    <Button
                      size="xs"
                      variant="light"
                      loading={retry.isPending && retry.variables?.id === d.id}
                      onClick={() => retry.mutate(d)}
                      aria-label={`Retry delivery ${d.deliveryId}`}
                    >
                      Retry
                    </Button>
                  ) : null,
              },
            ]}
          />
          <Paginator noun="deliveries" {...paginator} total={q.data.total} pageSizes={[10, 25, 50, 100]} />
        </>
      )}
    </section>
  );
}
