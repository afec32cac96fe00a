import { useEffect, useState, type FormEvent } from 'react';
import { Alert, Button, Code, CopyButton, Group, List, NumberInput, Paper, Select, Stack, Switch, Text, TextInput, Title } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DateTime, ErrorState, Loading } from '../../components/common';
import { FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import type { ClosedTicketPolicy } from '@server/modules/tickets/schemas';
import { usePollTickets, useRotateWebhookSecret, useSaveTicketSync, useTicketSync } from './api';
import type { IntegrationView } from './shared';

const POLICIES: { value: ClosedTicketPolicy; label: string }[] = [
  { value: 'create_new', label: 'Create a new ticket' },
  { value: 'reopen', label: 'Reopen the closed ticket' },
  { value: 'comment', label: 'Add a comment to the closed ticket' },
];

type Form = { pollIntervalMinutes: number | string; webhooksEnabled: boolean; closedTicketPolicy: ClosedTicketPolicy };

function CopyField({ label, value }: { label: string; value: string }) {
  return (
    <Group align="end" gap="xs" wrap="nowrap">
      <TextInput label={label} value={value} readOnly style={{ flex: 1 }} onFocus={(e) => e.currentTarget.select()} />
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button variant="default" onClick={copy} aria-label={`Copy ${label}`}>
            {copied ? 'Copied' : 'Copy'}
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

/** One set-up step; the ServiceNow script (after its first line) is shown as code. */
function Step({ text }: { text: string }) {
  const [first, ...rest] = text.split('\n');
  return (
    <List.Item>
      <Text size="sm">{first}</Text>
      {rest.length ? (
        <Code block mt={4}>
          {rest.join('\n')}
        </Code>
      ) : null}
    </List.Item>
  );
}

/**
 * Ticket status sync on the integration's page: poll interval, webhooks (URL, secret shown once
 * after Rotate, the exact set-up steps), the closed-ticket policy, last poll / webhook and Poll now.
 */
export function TicketSyncPanel({ integration }: { integration: IntegrationView }) {
  const { can } = useAuth();
  const canEdit = can('Integrations', 'edit');
  const q = useTicketSync(integration.id);
  const [f, setF] = useState<Form | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmRotate, setConfirmRotate] = useState(false);
  useEffect(() => {
    if (q.data)
      setF({ pollIntervalMinutes: q.data.pollIntervalMinutes, webhooksEnabled: q.data.webhooksEnabled, closedTicketPolicy: q.data.closedTicketPolicy });
  }, [q.data]);

  const save = useSaveTicketSync(integration.id, { onSuccess: () => notifySuccess(undefined, 'Ticket sync settings saved.') });
  const rotate = useRotateWebhookSecret(integration.id, {
    onSuccess: (v) => {
      setSecret(v.secret);
      setConfirmRotate(false);
    },
  });
  const poll = usePollTickets(integration.id, {
    onSuccess: (r) => notifySuccess(undefined, `Read ${r.polled} open ticket${r.polled === 1 ? '' : 's'}; ${r.updated} changed.`),
  });

  if (q.isLoading || (q.data && !f)) return <Loading label="Loading ticket sync…" />;
  if (q.isError || !q.data || !f) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  const v = q.data;
  const syncOn = integration.settings.syncTicketStatus;
  const interval = Number(f.pollIntervalMinutes);
  const intervalError = !Number.isInteger(interval) || interval < 1 || interval > 1440 ? 'Enter whole minutes from 1 to 1440.' : undefined;
  const webhookNeedsSecret = f.webhooksEnabled && !v.secretSet;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (intervalError || webhookNeedsSecret) return;
    save.mutate({ pollIntervalMinutes: interval, webhooksEnabled: f.webhooksEnabled, closedTicketPolicy: f.closedTicketPolicy });
  };

  return (
    <Paper withBorder p="md" data-testid="ticket-sync-panel">
      <Stack>
        <Title order={2} size="h4">
          Ticket status sync
        </Title>
        {!syncOn ? (
          <Alert color="gray" role="status">
            Sync ticket status is off: tickets keep the status they had when created. Turn it on above to poll open tickets and take webhook pushes.
          </Alert>
        ) : null}
        <Group gap="xl">
          <Text size="sm">Last poll: {v.lastPollAt ? <DateTime value={v.lastPollAt} /> : 'never'}</Text>
          <Text size="sm">Last webhook: {v.lastWebhookAt ? <DateTime value={v.lastWebhookAt} /> : 'never'}</Text>
          {canEdit ? (
            <Button variant="default" size="xs" loading={poll.isPending} disabled={!syncOn || !integration.enabled} onClick={() => poll.mutate()}>
              Poll now
            </Button>
          ) : null}
        </Group>
        <FormError error={poll.error} title="Poll failed" />
        <form onSubmit={submit} noValidate>
          <Stack>
            <NumberInput
              label="Poll interval (minutes)"
              description="How often open tickets are read from the ticketing system; webhooks bring changes at once."
              min={1}
              max={1440}
              allowDecimal={false}
              value={f.pollIntervalMinutes}
              onChange={(val) => setF({ ...f, pollIntervalMinutes: val })}
              error={intervalError}
              disabled={!canEdit}
              maw={260}
            />
            <Select
              label="When the incident's ticket is closed"
              description="What the Ticket action does for an incident whose ticket on this integration is already closed."
              data={POLICIES}
              value={f.closedTicketPolicy}
              onChange={(val) => val && setF({ ...f, closedTicketPolicy: val as ClosedTicketPolicy })}
              allowDeselect={false}
              disabled={!canEdit}
              maw={360}
            />
            <Switch
              label="Receive webhooks"
              description={
                v.secretSet
                  ? 'Take status pushes at the URL below, verified with the secret.'
                  : 'Rotate the secret first, then set up the webhook in the ticketing system.'
              }
              checked={f.webhooksEnabled}
              onChange={(e) => setF({ ...f, webhooksEnabled: e.currentTarget.checked })}
              disabled={!canEdit}
              error={webhookNeedsSecret ? 'Webhooks need a secret: click Rotate secret first.' : undefined}
            />
            <FormError error={save.error} title="Not saved" />
            {canEdit ? (
              <Group>
                <Button type="submit" loading={save.isPending} disabled={!!intervalError || webhookNeedsSecret}>
                  Save sync settings
                </Button>
              </Group>
            ) : null}
          </Stack>
        </form>
        <CopyField label="Webhook URL" value={v.webhookUrl} />
        {secret ? (
          <Alert color="yellow" title="Copy the secret now: it is not shown again" role="status">
            <CopyField label="Webhook secret" value={secret} />
          </Alert>
        ) : (
          <Text size="sm" c="dimmed">
            Webhook secret: {v.secretSet ? 'set (hidden)' : 'none yet'}
          </Text>
        )}
        {canEdit ? (
          <Group>
            <Button variant="light" onClick={() => (v.secretSet ? setConfirmRotate(true) : rotate.mutate())} loading={rotate.isPending && !confirmRotate}>
              Rotate secret
            </Button>
          </Group>
        ) : null}
        {!confirmRotate ? <FormError error={rotate.error} title="Secret not rotated" /> : null}
        <Stack gap={4}>
          <Text fw={500} size="sm">
            Set-up in {integration.type === 'jira_cloud' ? 'Jira' : 'ServiceNow'}
          </Text>
          <List type="ordered" spacing="xs">
            {v.setupSteps.map((s) => (
              <Step key={s} text={s} />
            ))}
          </List>
        </Stack>
      </Stack>
      <ConfirmDialog
        opened={confirmRotate}
        title="Rotate the webhook secret?"
        confirmLabel="Rotate secret"
        color="orange"
        busy={rotate.isPending}
        error={rotate.error}
        onConfirm={() => rotate.mutate()}
        onClose={() => {
          setConfirmRotate(false);
          rotate.reset();
        }}
      >
        The current secret stops working at once: pushes signed with it are refused until you paste the new one into the ticketing system. The poll keeps
        running meanwhile.
      </ConfirmDialog>
    </Paper>
  );
}
