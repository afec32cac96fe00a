import { useState } from 'react';
import { Badge, Button, Group, Menu, Text } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { notifyError, notifySuccess } from '../../components/notify';
import { RowActionsMenu } from '../../components/table';
import { DeliveryLog } from './DeliveryLog';
import { SecretModal } from './SecretModal';
import { WebhookFormModal } from './WebhookFormModal';
import { EVENT_LABELS, useDeleteWebhook, useRotateSecret, useSendTest, useWebhooks, type WebhookView, type WebhookWithSecret } from './api';

/** Setup > Webhooks: outbound event webhooks, so a SIEM or SOAR follows incidents and tickets without polling. */
export function WebhooksPage() {
  const { can } = useAuth();
  const canEdit = can('API Management', 'edit');
  const q = useWebhooks();
  const [form, setForm] = useState<{ editing: WebhookView | null } | null>(null);
  const [secret, setSecret] = useState<WebhookWithSecret | null>(null);
  const [selectedId, setSelectedId] = useState<number | null>(null);
  const remove = useConfirmAction(
    useDeleteWebhook({
      onSuccess: (_v, w) => {
        if (selectedId === w.id) setSelectedId(null);
        notifySuccess('Webhook deleted', `${w.name} receives no more events.`);
      },
      onError: (err) => notifyError('Could not delete the webhook', err),
    }),
  );
  const rotate = useConfirmAction(
    useRotateSecret({
      onSuccess: (w) => setSecret(w),
      onError: (err) => notifyError('Could not rotate the secret', err),
    }),
  );
  const test = useSendTest({
    onSuccess: (_d, w) => {
      setSelectedId(w.id);
      notifySuccess('Test event queued', `A webhook.test delivery to ${w.name} is on its way; see its delivery log.`);
    },
    onError: (err) => notifyError('Could not send a test event', err),
  });

  const items = q.data?.items ?? [];
  const selected = items.find((w) => w.id === selectedId) ?? null;
  const actions = (w: WebhookView) => (
    <RowActionsMenu label={`Actions for ${w.name}`} loading={test.isPending && test.variables?.id === w.id}>
      <Menu.Item onClick={() => setSelectedId(w.id)}>Delivery log</Menu.Item>
      {canEdit && (
        <>
          <Menu.Item onClick={() => test.mutate(w)}>Send test event</Menu.Item>
          <Menu.Item onClick={() => setForm({ editing: w })}>Edit</Menu.Item>
          <Menu.Item onClick={() => rotate.ask(w)}>Rotate secret</Menu.Item>
          <Menu.Item color="red" onClick={() => remove.ask(w)}>
            Delete
          </Menu.Item>
        </>
      )}
    </RowActionsMenu>
  );

  return (
    <>
      <PageHeader
        title="Webhooks"
        description="Send incident and ticket events to your SIEM or SOAR as they happen. Each delivery is signed with the webhook's secret and retried when the receiver fails."
        actions={canEdit ? <Button onClick={() => setForm({ editing: null })}>Add Webhook</Button> : null}
      />
      {q.isLoading ? (
        <Loading label="Loading webhooks…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !items.length ? (
        <EmptyState title="No webhooks">{canEdit ? 'Add a webhook to send events to another system.' : 'No webhooks have been added.'}</EmptyState>
      ) : (
        <DataList
          label="Webhooks"
          items={items}
          rowKey={(w) => w.id}
          rowTestId={(w) => `webhook-row-${w.name}`}
          minWidth={760}
          cardCols={2}
          cardTitle={(w) => (
            <Text fw={600} size="sm">
              {w.name}
            </Text>
          )}
          cardActions={actions}
          columns={[
            { header: 'Name', cell: (w) => w.name, card: null },
            {
              header: 'URL',
              cell: (w) => (
                <Text size="sm" style={{ wordBreak: 'break-all' }}>
                  {w.url}
                </Text>
              ),
            },
            {
              header: 'Events',
              cell: (w) => (
                <Group gap={4}>
                  {w.events.map((e) => (
                    <Badge key={e} size="sm" variant="light">
                      {EVENT_LABELS[e]}
                    </Badge>
                  ))}
                </Group>
              ),
            },
            {
              header: 'Status',
              cell: (w) =>
                !w.enabled ? (
                  <Badge color="gray">Disabled</Badge>
                ) : w.health === 'failing' ? (
                  <Badge color="red">Failing</Badge>
                ) : (
                  <Badge color="green">Enabled</Badge>
                ),
            },
            { header: 'Last Delivery', cell: (w) => <DateTime value={w.lastDeliveryAt} /> },
            { header: 'Actions', width: 90, cell: actions, card: null },
          ]}
        />
      )}
      {selected && <DeliveryLog key={selected.id} webhook={selected} canEdit={canEdit} />}
      <WebhookFormModal opened={form !== null} editing={form?.editing ?? null} onClose={() => setForm(null)} onCreated={(w) => setSecret(w)} />
      <SecretModal shown={secret} onClose={() => setSecret(null)} />
      <ConfirmDialog {...remove.dialog} title="Delete webhook" confirmLabel="Delete">
        Delete <b>{remove.target?.name}</b> and its delivery log? It receives no more events. This cannot be undone.
      </ConfirmDialog>
      <ConfirmDialog {...rotate.dialog} title="Rotate signing secret" confirmLabel="Rotate">
        Rotate the signing secret of <b>{rotate.target?.name}</b>? Deliveries are signed with the new secret at once, so the receiver must be given it.
      </ConfirmDialog>
    </>
  );
}
