import { Fragment, useState } from 'react';
import { TableScroll } from '../../components/TableScroll';
import { Link, useNavigate, useParams } from 'react-router';
import { ActionIcon, Anchor, Button, Group, List, Stack, Switch, Table, Tabs, Text, Tooltip } from '@mantine/core';
import { useAuth } from '../../auth';
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
            <TableScroll label="Integration accounts" minWidth={700}>
              <Table highlightOnHover>
                <Table.Thead>
                  <Table.Tr>
                    {hasProjects ? <Table.Th w={40} /> : null}
                    <Table.Th>Integration</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <Table.Th>Last Modified</Table.Th>
                    <Table.Th>Modified By</Table.Th>
                    {hasProjects ? <Table.Th>Projects</Table.Th> : null}
                    <Table.Th>Problem</Table.Th>
                    <Table.Th w={60} />
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {accounts.map((i) =>
                    i.deleted ? (
                      <DeletedRow key={i.id} integration={i} hasProjects={hasProjects} />
                    ) : (
                      <Fragment key={i.id}>
                        <Table.Tr data-testid={`account-${i.name}`}>
                          {hasProjects ? (
                            <Table.Td>
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
                            </Table.Td>
                          ) : null}
                          <Table.Td fw={500}>
                            <Anchor component={Link} to={`/setup/integrations/${app}/${i.id}`}>
                              {i.name}
                            </Anchor>
                          </Table.Td>
                          <Table.Td>
                            <StatusBadge integration={i} />
                          </Table.Td>
                          <Table.Td>
                            <DateTime value={i.modifiedAt} />
                          </Table.Td>
                          <Table.Td>{i.modifiedBy}</Table.Td>
                          {hasProjects ? <Table.Td>{i.projects ? `${i.projects.total} total, ${i.projects.mapped} mapped` : '—'}</Table.Td> : null}
                          <Table.Td maw={320}>
                            {i.health.consecutiveFailures > 0 && i.health.lastError ? (
                              <Text size="xs" c="red" lineClamp={2} title={i.health.lastError}>
                                {i.health.lastError}
                              </Text>
                            ) : (
                              <Text size="xs" c="dimmed">
                                —
                              </Text>
                            )}
                          </Table.Td>
                          <Table.Td>
                            <Tooltip label="Edit">
                              <ActionIcon variant="subtle" aria-label={`Edit ${i.name}`} onClick={() => navigate(`/setup/integrations/${app}/${i.id}`)}>
                                ✎
                              </ActionIcon>
                            </Tooltip>
                          </Table.Td>
                        </Table.Tr>
                        {hasProjects && expanded === i.id && !narrow ? (
                          <Table.Tr>
                            <Table.Td colSpan={8} bg="var(--mantine-color-gray-0)">
                              <Stack p="xs">
                                <ProjectsTable integration={i} />
                              </Stack>
                            </Table.Td>
                          </Table.Tr>
                        ) : null}
                      </Fragment>
                    ),
                  )}
                </Table.Tbody>
              </Table>
            </TableScroll>
          )}
          {/* On a phone the projects leave the accounts table (which scrolls sideways in its own
              region) so their cards get the whole width. */}
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

/**
 * A deleted account: read-only, with when and by whom it was deleted. It has no page, projects or
 * actions any more (the API answers 404 for its id), so nothing here links or expands.
 */
function DeletedRow({ integration: i, hasProjects }: { integration: IntegrationView; hasProjects: boolean }) {
  return (
    <Table.Tr data-testid={`deleted-account-${i.name}`} c="dimmed">
      {hasProjects ? <Table.Td /> : null}
      <Table.Td fw={500}>{i.name}</Table.Td>
      <Table.Td>
        <StatusBadge integration={i} />
      </Table.Td>
      <Table.Td>
        Deleted <DateTime value={i.deletedAt} />
      </Table.Td>
      <Table.Td>{i.deletedBy ?? '—'}</Table.Td>
      {hasProjects ? <Table.Td>—</Table.Td> : null}
      <Table.Td>—</Table.Td>
      <Table.Td />
    </Table.Tr>
  );
}
