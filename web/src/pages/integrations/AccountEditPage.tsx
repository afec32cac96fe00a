import { useEffect, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, Anchor, Button, Checkbox, Divider, Group, Stack, Text, TextInput, Title } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { useDeleteIntegration, useIntegration, useSetIntegrationEnabled, useUpdateIntegration, useVerifyIntegration } from './api';
import { ProjectsTable } from './ProjectsTable';
import { CredentialFields, credentialFieldsFor, type FieldValues } from './CredentialFields';
import { StatusBadge, descriptorOf, isIntegrationType, type IntegrationView } from './shared';
import { TicketSyncPanel } from './TicketSyncPanel';

type Form = {
  name: string;
  baseUrl: string;
  authMethod: string;
  /** Credentials and contact fields by key: identifiers as stored, secrets blank (write-only). */
  fields: FieldValues;
  syncTicketStatus: boolean;
  closeIncidentOnTicketClosed: boolean;
  syncProjectList: boolean;
};

/** The account identifiers the API returns, by the descriptor's field keys. */
function shownValue(i: IntegrationView, key: string): string {
  return (i.account as Record<string, string | null | undefined>)[key] ?? '';
}

function formOf(i: IntegrationView): Form {
  const system = descriptorOf(i.type);
  const fields: FieldValues = {};
  for (const c of system.credentials.fields) fields[c.key] = c.secret ? '' : shownValue(i, c.key);
  for (const c of system.contact.fields) fields[c.key] = shownValue(i, c.key);
  return { name: i.name, baseUrl: i.baseUrl, authMethod: i.authMethod, fields, ...i.settings };
}

/** An account's editing page ("ServiceNow Integration", "Jira Integration"). */
export function AccountEditPage() {
  const { app, id } = useParams();
  const { can } = useAuth();
  const canEdit = can('Integrations', 'edit');
  const navigate = useNavigate();
  const q = useIntegration(Number(id), /^\d+$/.test(id ?? ''));
  const [f, setF] = useState<Form | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [confirmDisable, setConfirmDisable] = useState(false);
  useEffect(() => {
    if (q.data) setF(formOf(q.data));
  }, [q.data]);

  const save = useUpdateIntegration(Number(id), { onSuccess: () => notifySuccess(undefined, 'Changes saved.') });
  const toggle = useSetIntegrationEnabled(Number(id), {
    onSuccess: (i) => {
      setConfirmDisable(false);
      notifySuccess(undefined, i.enabled ? `${i.name} is enabled.` : `${i.name} is disabled.`);
    },
  });
  const verify = useVerifyIntegration(Number(id), {
    onSuccess: (i) => notifySuccess(undefined, `${i.name} is working.`),
    onError: () => void q.refetch(),
  });
  const remove = useDeleteIntegration(Number(id), {
    onSuccess: () => {
      notifySuccess(undefined, `${q.data?.name ?? 'The integration'} is deleted. Turn on "Show Deleted Accounts" to see it in the list.`);
      navigate(`/setup/integrations/${app}`);
    },
  });

  if (!isIntegrationType(app)) return <EmptyState title="Unknown app">Go back to Setup &gt; Integrations.</EmptyState>;
  if (q.isLoading || (q.data && !f)) return <Loading />;
  if (q.isError || !q.data || !f) return <ErrorState error={q.error ?? new Error('Integration not found.')} onRetry={() => void q.refetch()} />;
  const i = q.data;
  const system = descriptorOf(i.type);
  const hasProjects = system.capabilities.projects;
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((prev) => (prev ? { ...prev, [k]: v } : prev));
  const setField = (k: string, v: string) => setF((prev) => (prev ? { ...prev, fields: { ...prev.fields, [k]: v } } : prev));

  const submit = (e: FormEvent) => {
    e.preventDefault();
    // Only what changed: blank secrets keep the stored ones, identifiers are sent when edited.
    const creds: Record<string, string> = {};
    if (system.credentials.authMethods.length > 1 && f.authMethod !== i.authMethod) creds.authMethod = f.authMethod;
    for (const c of credentialFieldsFor(system, f.authMethod)) {
      const value = f.fields[c.key] ?? '';
      if (c.secret ? value : value.trim() && value.trim() !== shownValue(i, c.key)) creds[c.key] = c.secret ? value : value.trim();
    }
    const contact = Object.fromEntries(
      system.contact.fields.filter((c) => (f.fields[c.key] ?? '').trim() !== shownValue(i, c.key)).map((c) => [c.key, (f.fields[c.key] ?? '').trim()]),
    );
    save.mutate({
      ...(f.name.trim() !== i.name ? { name: f.name } : {}),
      ...(f.baseUrl.trim().replace(/\/+$/, '') !== i.baseUrl ? { baseUrl: f.baseUrl } : {}),
      ...contact,
      ...(Object.keys(creds).length ? { credentials: creds } : {}),
      settings: {
        syncTicketStatus: f.syncTicketStatus,
        closeIncidentOnTicketClosed: f.syncTicketStatus && f.closeIncidentOnTicketClosed,
        ...(hasProjects ? { syncProjectList: f.syncProjectList } : {}),
      },
    });
    const secrets = system.credentials.fields.filter((c) => c.secret).map((c) => [c.key, '']);
    setF((prev) => (prev ? { ...prev, fields: { ...prev.fields, ...Object.fromEntries(secrets) } } : prev));
  };
  const nameError = !f.name.trim() ? 'Integration name is required.' : undefined;

  return (
    <>
      <Anchor component={Link} to={`/setup/integrations/${app}`} size="sm">
        ← {descriptorOf(app).name}
      </Anchor>
      <PageHeader
        title={system.setup.editTitle}
        description={
          <>
            {i.name} · last modified <DateTime value={i.modifiedAt} /> by {i.modifiedBy}
          </>
        }
        actions={<StatusBadge integration={i} />}
      />
      <Stack maw={720}>
        {i.status === 'Reauthorization Required' ? (
          <Alert color="orange" title="Reauthorization Required" role="alert">
            {system.name} no longer accepts the stored OAuth token. Click Reauthorize to sign in again with the stored account, or enter new credentials below.
          </Alert>
        ) : null}
        {i.status === 'Validation Failed' ? (
          <Alert color="red" title="Validation Failed" role="alert">
            The stored credentials were rejected. Enter working credentials below and save.
          </Alert>
        ) : null}
        {i.health.lastError && i.health.consecutiveFailures > 0 ? (
          <Alert
            color="red"
            title={`Not working: ${i.health.consecutiveFailures} failed call${i.health.consecutiveFailures === 1 ? '' : 's'} in a row`}
            role="status"
            data-testid="health-error"
          >
            <Text size="sm">{i.health.lastError}</Text>
            <Text size="xs" c="dimmed">
              Last failure <DateTime value={i.health.lastErrorAt} />
              {i.health.lastSuccessAt ? (
                <>
                  {' '}
                  · last success <DateTime value={i.health.lastSuccessAt} />
                </>
              ) : null}
            </Text>
          </Alert>
        ) : null}
        <form onSubmit={submit} noValidate>
          <Stack>
            <TextInput
              label="Integration Name"
              value={f.name}
              onChange={(e) => set('name', e.currentTarget.value)}
              error={nameError}
              disabled={!canEdit}
              required
            />
            <TextInput
              label={system.setup.baseUrl.label}
              value={f.baseUrl}
              onChange={(e) => set('baseUrl', e.currentTarget.value)}
              disabled={!canEdit}
              required
            />
            <Divider label="Credentials (write-only)" labelPosition="left" />
            <CredentialFields
              system={system}
              mode="edit"
              authMethod={f.authMethod}
              onAuthMethod={(v) => set('authMethod', v)}
              values={f.fields}
              onChange={setField}
              disabled={!canEdit}
            />
            <Divider label="Settings" labelPosition="left" />
            {hasProjects ? (
              <Checkbox
                label="Sync project list"
                description="Pull the project list from Jira once a day."
                checked={f.syncProjectList}
                onChange={(e) => set('syncProjectList', e.currentTarget.checked)}
                disabled={!canEdit}
              />
            ) : null}
            <Checkbox
              label="Sync ticket status"
              description="Follow each ticket’s live status and assignee: polled at the interval set below, and at once by webhook when set up."
              checked={f.syncTicketStatus}
              onChange={(e) => set('syncTicketStatus', e.currentTarget.checked)}
              disabled={!canEdit}
            />
            {f.syncTicketStatus ? (
              <Checkbox
                label="Close incident when ticket is closed"
                description={
                  !hasProjects
                    ? 'Resolve the incident (by System) when its ticket is Resolved, Closed or Canceled.'
                    : 'Resolve the incident (by System) when its ticket reaches the project’s Complete Status or a Done status.'
                }
                checked={f.closeIncidentOnTicketClosed}
                onChange={(e) => set('closeIncidentOnTicketClosed', e.currentTarget.checked)}
                disabled={!canEdit}
                ml="lg"
              />
            ) : null}
            <FormError error={save.error} title="Not saved" />
            <FormError error={verify.error} title="Connection check failed" />
            <FormError error={toggle.error} />
            {canEdit ? (
              <Group justify="space-between">
                <Group gap="xs">
                  <Button type="submit" loading={save.isPending} disabled={!!nameError}>
                    Save Changes
                  </Button>
                  <Button
                    variant="light"
                    color={i.enabled ? 'orange' : 'green'}
                    loading={toggle.isPending}
                    onClick={() => (i.enabled ? setConfirmDisable(true) : toggle.mutate(true))}
                  >
                    {i.enabled ? 'Disable Integration' : 'Enable Integration'}
                  </Button>
                  <Button variant="default" loading={verify.isPending} onClick={() => verify.mutate()}>
                    {i.status === 'Reauthorization Required' ? 'Reauthorize' : 'Test Connection'}
                  </Button>
                </Group>
                <Button variant="subtle" color="red" onClick={() => setConfirmDelete(true)}>
                  Delete
                </Button>
              </Group>
            ) : null}
          </Stack>
        </form>
      </Stack>
      <Stack mt="xl" maw={720}>
        <TicketSyncPanel integration={i} />
      </Stack>
      {hasProjects ? (
        <Stack mt="xl">
          <Title order={2} size="h4">
            Projects
          </Title>
          <ProjectsTable integration={i} />
        </Stack>
      ) : null}
      <ConfirmDialog
        opened={confirmDisable}
        title={`Disable ${i.name}?`}
        confirmLabel="Disable Integration"
        color="orange"
        busy={toggle.isPending}
        error={toggle.error}
        onConfirm={() => toggle.mutate(false)}
        onClose={() => {
          setConfirmDisable(false);
          toggle.reset();
        }}
      >
        While it is disabled, no ticket is created or synced through it, Add User and lookups are refused and workflows that use it stop at their ticket step.
        Everything is kept: enable it again to go on.
      </ConfirmDialog>
      <ConfirmDialog
        opened={confirmDelete}
        title={`Delete ${i.name}?`}
        confirmLabel="Delete"
        busy={remove.isPending}
        error={remove.error}
        onConfirm={() => remove.mutate()}
        onClose={() => {
          setConfirmDelete(false);
          remove.reset();
        }}
      >
        Its stored credentials{hasProjects ? ', projects and field mappings' : ''} are erased and it can no longer be used, edited or enabled; it stays listed
        under &quot;Show Deleted Accounts&quot; and its name can be given to a new account. This is refused while integration users, tickets or workflows still
        use it; disable it instead to keep them.
      </ConfirmDialog>
    </>
  );
}
