import { useEffect, useState, type FormEvent } from 'react';
import { TableScroll } from '../../components/TableScroll';
import { Alert, Anchor, Box, Code, Group, Loader, NativeSelect, Paper, ScrollArea, Stack, Table, Text, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Dialog } from '../../components/Dialog';
import { ErrorState } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { useCreateTicket, useTicketOptions, useTicketPreview, type CreateTicketInput, type TicketOptions, type TicketPreview } from '../tickets/api';
import { TicketLink, TicketStatus } from '../tickets/parts';

const NOTES_MAX = 10_000;
type Form = { integrationId: string; projectId: string; issueTypeId: string; userId: string; notes: string };
const EMPTY: Form = { integrationId: '', projectId: '', issueTypeId: '', userId: '', notes: '' };
type Integration = TicketOptions['integrations'][number];

/** The request body for the form, or the first thing missing (field → sentence). */
function toBody(f: Form, integration: Integration | undefined): { body: CreateTicketInput } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!integration) errors.integrationId = 'Choose the ticketing integration.';
  const jira = integration?.type === 'jira_cloud';
  if (jira && !f.projectId) errors.projectId = 'Choose the Jira project.';
  if (!f.userId) errors.integrationUserId = 'Choose the user the ticket is assigned to.';
  if (f.notes.trim().length > NOTES_MAX) errors.notes = `Notes must be at most ${NOTES_MAX.toLocaleString('en-US')} characters.`;
  if (Object.keys(errors).length) return { errors };
  return {
    body: {
      integrationId: integration!.id,
      integrationUserId: Number(f.userId),
      ...(jira ? { projectId: Number(f.projectId), ...(f.issueTypeId ? { issueTypeId: f.issueTypeId } : {}) } : {}),
      ...(f.notes.trim() ? { notes: f.notes.trim() } : {}),
    },
  };
}

function show(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v, null, 2);
}

/** What will be sent, exactly: summary, assignee, description, every field, and the raw request body. */
function PreviewPanel({ preview }: { preview: TicketPreview }) {
  const fields = Object.entries(preview.fields);
  return (
    <Stack gap="xs" data-testid="ticket-preview">
      <Text size="sm">
        <b>Summary:</b> {preview.summary}
      </Text>
      <Text size="sm">
        <b>Assignee:</b> {preview.assignee.name}
        {preview.assignee.email ? ` (${preview.assignee.email})` : ''}{' '}
        <Text span size="xs" c="dimmed" ff="monospace">
          {preview.assignee.externalId}
        </Text>
      </Text>
      <div>
        <Text size="sm" fw={700}>
          Description
        </Text>
        <ScrollArea.Autosize mah={180} type="auto">
          <Text size="sm" style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} data-testid="ticket-preview-description">
            {preview.description}
          </Text>
        </ScrollArea.Autosize>
      </div>
      {fields.length ? (
        <TableScroll label="Fields as sent" minWidth={300}>
          <Table withTableBorder aria-label="Fields as sent" fz="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Field</Table.Th>
                <Table.Th>Value sent</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {fields.map(([k, v]) => (
                <Table.Tr key={k}>
                  <Table.Td ff="monospace">{k}</Table.Td>
                  <Table.Td style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }} ff={typeof v === 'string' ? undefined : 'monospace'}>
                    {show(v)}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      ) : null}
      <details>
        <summary style={{ cursor: 'pointer', fontSize: 'var(--mantine-font-size-sm)' }}>Exact request body</summary>
        <ScrollArea.Autosize mah={240} type="auto">
          <Code block>{show(preview.body)}</Code>
        </ScrollArea.Autosize>
      </details>
    </Stack>
  );
}

/**
 * The Ticket window (Actions → Ticket, PRODUCT.md §2): Ticketing Integration, Project (Jira only),
 * User (that integration's active users), Notes → Submit, with a live Preview of what will be
 * sent. A live ticket on the chosen integration is named (with its link) and blocks Submit.
 */
export function TicketDialog({ incidentId, opened, onClose }: { incidentId: number; opened: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const options = useTicketOptions(incidentId, opened);
  const [form, setForm] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [debouncedNotes] = useDebouncedValue(form.notes, 400);
  useEffect(() => {
    if (opened) {
      setForm(EMPTY);
      setErrors({});
    }
  }, [opened]);

  const integrations = options.data?.integrations ?? [];
  const integration = integrations.find((i) => String(i.id) === form.integrationId);
  const project = integration?.projects.find((p) => String(p.id) === form.projectId);
  const set = (patch: Partial<Form>) => {
    setForm((f) => ({ ...f, ...patch }));
    setErrors({});
  };

  const previewInput = toBody({ ...form, notes: debouncedNotes }, integration);
  const previewBody = 'body' in previewInput ? previewInput.body : null;
  const preview = useTicketPreview(incidentId, previewBody, opened);
  const existing = previewBody && preview.data && !preview.isPlaceholderData ? preview.data.existing : null;

  const submit = useCreateTicket(incidentId, {
    onSuccess: (t) => {
      notifySuccess(
        'Ticket requested',
        `The ticket is being created in ${t.integration.name} and assigned to ${t.assignee.name}. Its status appears in the Ticket section.`,
      );
      onClose();
    },
    onError: (err) => setErrors(fieldErrors(err)),
  });

  function onSubmit(e: FormEvent) {
    e.preventDefault();
    const r = toBody(form, integration);
    if ('errors' in r) return setErrors(r.errors);
    submit.mutate(r.body);
  }

  const busy = submit.isPending;
  return (
    <Dialog opened={opened} onClose={busy ? () => undefined : onClose} title="Ticket" fullScreen={narrow} centered size="xl">
      {options.isError ? (
        <ErrorState error={options.error} onRetry={() => void options.refetch()} />
      ) : (
        <form onSubmit={onSubmit} noValidate aria-label="Ticket">
          <Stack>
            {options.isLoading ? (
              <Group gap="xs">
                <Loader size="xs" />
                <Text size="sm" c="dimmed">
                  Loading ticketing integrations…
                </Text>
              </Group>
            ) : !integrations.length ? (
              <Alert color="yellow">
                No ticketing integration is enabled. An admin with Edit access to Integrations can connect ServiceNow or Jira Cloud under Setup › Integrations.
              </Alert>
            ) : null}
            <NativeSelect
              label="Ticketing Integration"
              required
              data-autofocus
              value={form.integrationId}
              onChange={(e) => set({ integrationId: e.currentTarget.value, projectId: '', issueTypeId: '', userId: '' })}
              error={errors.integrationId}
              data={[
                { value: '', label: 'Select a ticketing integration', disabled: true },
                ...integrations.map((i) => ({ value: String(i.id), label: `${i.name} (${i.typeLabel})` })),
              ]}
            />
            {integration?.type === 'jira_cloud' ? (
              <Group grow align="flex-start" wrap="wrap">
                <NativeSelect
                  label="Project"
                  required
                  value={form.projectId}
                  onChange={(e) => set({ projectId: e.currentTarget.value, issueTypeId: '' })}
                  error={errors.projectId}
                  description={integration.projects.length ? undefined : 'This Jira tenant has no projects yet: sync its project list on the integration page.'}
                  data={[
                    { value: '', label: 'Select a project', disabled: true },
                    ...integration.projects.map((p) => ({ value: String(p.id), label: `${p.name} (${p.key})` })),
                  ]}
                />
                {project && project.issueTypes.length > 1 ? (
                  <NativeSelect
                    label="Issue Type"
                    value={form.issueTypeId}
                    onChange={(e) => set({ issueTypeId: e.currentTarget.value })}
                    error={errors.issueTypeId}
                    data={[{ value: '', label: 'Default (the mapped issue type)' }, ...project.issueTypes.map((t) => ({ value: t.id, label: t.name }))]}
                  />
                ) : null}
              </Group>
            ) : null}
            <NativeSelect
              label="User"
              required
              disabled={!integration}
              value={form.userId}
              onChange={(e) => set({ userId: e.currentTarget.value })}
              error={errors.integrationUserId}
              description={
                integration && !integration.users.length
                  ? 'This integration has no active integration users: add them under Setup › Integration Users.'
                  : undefined
              }
              data={[
                { value: '', label: integration ? 'Select the assignee' : 'Choose an integration first', disabled: true },
                ...(integration?.users ?? []).map((u) => ({ value: String(u.id), label: `${u.name} (${u.email})` })),
              ]}
            />
            <Textarea
              label="Notes"
              description="Posted on the ticket as a comment (a work note in ServiceNow)."
              autosize
              minRows={2}
              maxRows={6}
              value={form.notes}
              onChange={(e) => set({ notes: e.currentTarget.value })}
              error={errors.notes}
            />

            {existing ? (
              <Alert color="orange" title="A ticket already exists" role="alert" data-testid="existing-ticket">
                <Stack gap={4}>
                  <Text size="sm">
                    This incident already has a ticket on {existing.integration.name}: <TicketLink ticket={existing} />. A new one can be requested once it is
                    closed.
                  </Text>
                  <TicketStatus ticket={existing} />
                </Stack>
              </Alert>
            ) : null}

            <Paper withBorder p="sm" aria-label="Preview" component="section">
              <Group justify="space-between" mb="xs">
                <Title order={3} size="h5">
                  Preview
                </Title>
                {preview.isFetching ? <Loader size="xs" aria-label="Updating the preview" /> : null}
              </Group>
              {!previewBody ? (
                <Text size="sm" c="dimmed">
                  Choose the integration{integration?.type === 'jira_cloud' ? ', project' : ''} and user to see the ticket exactly as it will be sent.
                </Text>
              ) : preview.isError ? (
                <Alert color="red" role="alert" title="No preview">
                  {preview.error instanceof Error ? preview.error.message : 'The preview could not be built.'}{' '}
                  <Anchor component="button" type="button" size="sm" onClick={() => void preview.refetch()}>
                    Try again
                  </Anchor>
                </Alert>
              ) : preview.data ? (
                <Box style={{ opacity: preview.isPlaceholderData ? 0.6 : 1 }}>
                  <PreviewPanel preview={preview.data} />
                </Box>
              ) : (
                <Group gap="xs">
                  <Loader size="xs" />
                  <Text size="sm" c="dimmed">
                    Building the preview…
                  </Text>
                </Group>
              )}
            </Paper>

            <FormError error={submit.error && !Object.keys(fieldErrors(submit.error)).length ? submit.error : null} />
            <FormButtons submitLabel="Submit" onCancel={onClose} busy={busy} cancelDisabled={busy} submitDisabled={!!existing || !integrations.length} />
          </Stack>
        </form>
      )}
    </Dialog>
  );
}
