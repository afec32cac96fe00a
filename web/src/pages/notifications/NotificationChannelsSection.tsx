import { useState } from 'react';
import { Badge, Button, Group, Text, Title } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { DateTime, EmptyState, ErrorState, Loading } from '../../components/common';
import { notifyError, notifySuccess } from '../../components/notify';
import { ChannelDialog, KIND_LABELS } from './ChannelDialog';
import { useChannels, useDeleteChannel, useTestChannel, type ChannelKind, type ChannelView } from './api';

/** Setup > Integrations, "Notification channels": Slack and Microsoft Teams webhooks that notifications can go to. */
export function NotificationChannelsSection() {
  const { can } = useAuth();
  const canEdit = can('Integrations', 'edit');
  const q = useChannels();
  const [adding, setAdding] = useState<ChannelKind | null>(null);
  const [editing, setEditing] = useState<ChannelView | null>(null);
  const test = useTestChannel({
    onSuccess: (c) => notifySuccess('Test message sent', `${c.name} accepted the test message.`),
    onError: (err) => notifyError('The test message was not accepted', err),
  });
  const remove = useConfirmAction(
    useDeleteChannel({
      onSuccess: (_v, c) => notifySuccess('Channel deleted', `${c.name} was deleted. Messages still queued for it will fail with that reason.`),
    }),
  );

  return (
    <section aria-labelledby="notification-channels-title">
      <Group justify="space-between" mt="xl" mb="sm" wrap="wrap">
        <div>
          <Title order={2} size="h3" id="notification-channels-title">
            Notification channels
          </Title>
          <Text size="sm" c="dimmed">
            Slack and Microsoft Teams channels that notifications, escalations and digests can be sent to.
          </Text>
        </div>
        {canEdit ? (
          <Group gap="xs">
            <Button variant="light" onClick={() => setAdding('slack')}>
              Add Slack
            </Button>
            <Button variant="light" onClick={() => setAdding('teams')}>
              Add Microsoft Teams
            </Button>
          </Group>
        ) : null}
      </Group>
      {q.isLoading ? (
        <Loading label="Loading notification channels…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No notification channels">
          {canEdit ? 'Add a Slack or Microsoft Teams channel with its webhook URL.' : 'An admin with Edit on Integrations can add channels.'}
        </EmptyState>
      ) : (
        <DataList
          label="Notification channels"
          items={q.data.items}
          rowKey={(c) => c.id}
          minWidth={760}
          cardTitle={(c) => c.name}
          columns={[
            { header: 'Name', cell: (c) => <Text fw={500}>{c.name}</Text>, card: null },
            { header: 'Type', cell: (c) => KIND_LABELS[c.kind] },
            {
              header: 'Webhook',
              cell: (c) => (
                <Text size="sm" ff="monospace">
                  {c.urlHint}
                </Text>
              ),
            },
            {
              header: 'Status',
              cell: (c) => (
                <Badge color={c.status === 'active' ? 'green' : 'red'} variant="light">
                  {c.status === 'active' ? 'Active' : 'Failing'}
                </Badge>
              ),
            },
            { header: 'Last Error', cell: (c) => c.lastError ?? '—', maxWidth: 320 },
            { header: 'Last Success', cell: (c) => <DateTime value={c.lastSuccessAt} /> },
            canEdit && {
              header: 'Actions',
              card: null,
              cell: (c) => (
                <ChannelActions
                  channel={c}
                  onTest={() => test.mutate(c)}
                  testing={test.isPending && test.variables?.id === c.id}
                  onEdit={() => setEditing(c)}
                  onDelete={() => remove.ask(c)}
                />
              ),
            },
          ]}
          cardActions={
            canEdit
              ? (c) => (
                  <ChannelActions
                    channel={c}
                    onTest={() => test.mutate(c)}
                    testing={test.isPending && test.variables?.id === c.id}
                    onEdit={() => setEditing(c)}
                    onDelete={() => remove.ask(c)}
                  />
                )
              : undefined
          }
        />
      )}
      <ChannelDialog kind={adding} channel={editing} onClose={() => (setAdding(null), setEditing(null))} />
      <ConfirmDialog {...remove.dialog} title="Delete channel" confirmLabel="Delete">
        Delete the {remove.target ? KIND_LABELS[remove.target.kind] : ''} channel <b>{remove.target?.name}</b>? Its webhook URL is forgotten; messages still
        queued for it fail.
      </ConfirmDialog>
    </section>
  );
}

function ChannelActions({
  channel,
  onTest,
  testing,
  onEdit,
  onDelete,
}: {
  channel: ChannelView;
  onTest(): void;
  testing: boolean;
  onEdit(): void;
  onDelete(): void;
}) {
  return (
    <Group gap={4} wrap="nowrap">
      <Button size="compact-sm" variant="subtle" onClick={onTest} loading={testing} aria-label={`Send test message to ${channel.name}`}>
        Send test message
      </Button>
      <Button size="compact-sm" variant="subtle" onClick={onEdit} aria-label={`Edit ${channel.name}`}>
        Edit
      </Button>
      <Button size="compact-sm" variant="subtle" color="red" onClick={onDelete} aria-label={`Delete ${channel.name}`}>
        Delete
      </Button>
    </Group>
  );
}
