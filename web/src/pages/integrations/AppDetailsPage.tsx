import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { ActionIcon, Anchor, Button, Group, List, Stack, Switch, Tabs, Text, Tooltip, VisuallyHidden } from '@mantine/core';
import { useAuth } from '../../auth';
import { DataList } from '../../components/DataList';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { ConnectModal } from './ConnectModal';
import { useIntegrations } from './api';
import { ProjectsTable } from './ProjectsTable';
import { useNarrow } from '../../components/table';
import { StatusBadge, descriptorOf, isIntegrationType, type IntegrationView } from './shared';

/** One app's details: "Configuration Steps" and "Configuration" (the Connected Accounts list). */
export function AppDetailsPage() {
  const { app } = useParams();
  const { can } = useAuth();
  const navigate = useNavigate();
  const narrow = useNarrow();
  const [showDeleted, setShowDeleted] = useState(false);
  const q = useIntegrations({ includeDeleted: showDeleted });
  const [tab, setTab] = useState<string | null>('configuration');
  const [connecting, setConnecting] = useState(false);
  const [expanded, setExpanded] = useState<number | null>(null);
  if (!isIntegrationType(app)) return <EmptyState title="Unknown app">Go back to Setup &gt; Integrations.</EmptyState>;
  const system = descriptorOf(app);
  const accounts = (q.data?.items ?? []).filter((i) => i.type === app);
  const expandedAccount = accounts.find((i) => i.id === expanded && !i.deleted);
  const canEdit = can('Integrations', 'edit');
  // Accounts with projects expand into their project list.
  const hasProjects = system.capabilities.projects;
  const expandButton = (i: IntegrationView) => (
    <Tooltip label={expanded === i.id ? 'Collapse' : 'Expand'}>
      <ActionIcon
        variant="subtle"
        aria-label={`${expanded === i.id ? 'Collapse' : 'Expand'} ${i.name}`}
        aria-expanded={expanded === i.id}
        onClick={() => setExpanded(expanded === i.id ? null : i.id)}
      >
        {expanded === i.id ? '▾' : '▸'}
      </ActionIcon>
    </Tooltip>
  );
  const editButton = (i: IntegrationView) => (
    <Tooltip label="Edit">
      <ActionIcon variant="subtle" aria-label={`Edit ${i.name}`} onClick={() => navigate(`/setup/integrations/${app}/${i.id}`)}>
        ✎
      </ActionIcon>
    </Tooltip>
  );

  return (
    <>
      <Anchor component={Link} to="/setup/integrations" size="sm">
        ← Integrations
      </Anchor>
      <PageHeader
        title={system.name}
        description={system.setup.blurb}
        actions={
          canEdit ? (
            <Button onClick={() => setConnecting(true)} data-testid="connect-account">
              Connect Account
            </Button>
          ) : null
        }
      />
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="steps">Configuration Steps</Tabs.Tab>
          <Tabs.Tab value="configuration">Configuration</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="steps" pt="md">
          <List type="ordered" spacing="sm">
            {system.setup.steps.map((s) => (
              <List.Item key={s}>{s}</List.Item>
            ))}
          </List>
        </Tabs.Panel>
        <Tabs.Panel value="configuration" pt="md">
          <Group justify="space-between" mb="xs">
            <Text fw={600}>Connected Accounts</Text>
            <Switch label="Show Deleted Accounts" checked={showDeleted} onChange={(e) => setShowDeleted(e.currentTarget.checked)} />
          </Group>
          {q.isLoading ? (
            <Loading />
          ) : q.isError ? (
            <ErrorState error={q.error} onRetry={() => void q.refetch()} />
          ) : accounts.length === 0 ? (
            <EmptyState title={showDeleted ? 'No connected or deleted accounts' : 'No connected accounts'}>
              {canEdit ? 'Click "Connect Account" to connect one.' : 'An admin with Edit access to Integrations can connect one.'}
            </EmptyState>
          ) : (
            <DataList
              label="Integration accounts"
              items={accounts}
              rowKey={(i) => i.id}
              rowTestId={(i) => `${i.deleted ? 'deleted-account' : 'account'}-${i.name}`}
              rowMuted={(i) => i.deleted}
              // On a phone the projects leave the accounts list (below) so their cards get the whole width.
              rowDetail={(i) =>
                hasProjects && !narrow && expanded === i.id && !i.deleted ? (
                  <Stack p="xs">
                    <ProjectsTable integration={i} />
                  </Stack>
                ) : null
              }
              minWidth={700}
              cardCols={2}
              cardTitle={(i) => <AccountName app={app} integration={i} />}
              cardActions={(i) =>
                i.deleted ? null : (
                  <Group gap={4} wrap="nowrap">
                    {hasProjects ? expandButton(i) : null}
                    {editButton(i)}
                  </Group>
                )
              }
              columns={[
                hasProjects && {
                  header: 'Expand',
                  headerNode: <VisuallyHidden>Expand</VisuallyHidden>,
                  width: 40,
                  cell: (i) => (i.deleted ? null : expandButton(i)),
                  card: null,
                },
                { header: 'Integration', cell: (i) => <AccountName app={app} integration={i} />, card: null },
                { header: 'Status', cell: (i) => <StatusBadge integration={i} /> },
                {
                  header: 'Last Modified',
                  cell: (i) =>
                    i.deleted ? (
                      <>
                        Deleted <DateTime value={i.deletedAt} />
                      </>
                    ) : (
                      <DateTime value={i.modifiedAt} />
                    ),
                },
                { header: 'Modified By', cell: (i) => (i.deleted ? (i.deletedBy ?? '—') : i.modifiedBy) },
                hasProjects && {
                  header: 'Projects',
                  cell: (i) => (!i.deleted && i.projects ? `${i.projects.total} total, ${i.projects.mapped} mapped` : '—'),
                },
                {
                  header: 'Problem',
                  maxWidth: 320,
                  full: true,
                  cell: (i) =>
                    !i.deleted && i.health.consecutiveFailures > 0 && i.health.lastError ? (
                      <Text size="xs" c="red" lineClamp={2} title={i.health.lastError}>
                        {i.health.lastError}
                      </Text>
                    ) : (
                      <Text size="xs" c="dimmed">
                        —
                      </Text>
                    ),
                },
                {
                  header: 'Actions',
                  headerNode: <VisuallyHidden>Actions</VisuallyHidden>,
                  width: 60,
                  cell: (i) => (i.deleted ? null : editButton(i)),
                  card: null,
                },
              ]}
            />
          )}
          {narrow && hasProjects && expandedAccount ? (
            <Stack mt="md">
              <ProjectsTable integration={expandedAccount} />
            </Stack>
          ) : null}
        </Tabs.Panel>
      </Tabs>
      {canEdit ? (
        <ConnectModal
          app={app}
          opened={connecting}
          onClose={() => setConnecting(false)}
          onConnected={(i) => {
            setConnecting(false);
            setTab('configuration');
            if (descriptorOf(i.type).capabilities.projects) setExpanded(i.id);
          }}
        />
      ) : null}
    </>
  );
}

/** An account's name: a link to its page, or plain text once deleted (a deleted account has no page; the API answers 404). */
function AccountName({ app, integration: i }: { app: string; integration: IntegrationView }) {
  return i.deleted ? (
    <Text size="sm" fw={500}>
      {i.name}
    </Text>
  ) : (
    <Anchor component={Link} to={`/setup/integrations/${app}/${i.id}`} size="sm" fw={500}>
      {i.name}
    </Anchor>
  );
}
