import { useState } from 'react';
import { Badge, Button, Group, SegmentedControl, Select, Table, Text, Tooltip } from '@mantine/core';
import { useAuth } from '../../auth';
import { DateTime, EmptyState, ErrorState, Loading } from '../../components/common';
import { notifyError, notifySuccess } from '../../components/notify';
import { useProjects, useSetCompleteStatus, useSyncProjects } from './api';
import { MappingModal } from './MappingModal';
import type { IntegrationView, JiraProjectView } from './shared';

/** A Jira account's projects: Complete Status, Auto Sync and Field Mappings per project. */
export function ProjectsTable({ integration }: { integration: IntegrationView }) {
  const { can } = useAuth();
  const canEdit = can('Integrations', 'edit');
  const [only, setOnly] = useState<'all' | 'mapped'>('all');
  const [mapping, setMapping] = useState<JiraProjectView | null>(null);
  const q = useProjects(integration.id);
  const sync = useSyncProjects(integration.id, {
    onSuccess: (r) => notifySuccess(undefined, `Project list synced: ${r.total} projects (${r.added} added, ${r.removed} removed).`),
    onError: (e) => notifyError('Sync failed', e),
  });
  const setStatus = useSetCompleteStatus(integration.id, {
    onSuccess: (p) => {
      notifySuccess(undefined, `Complete Status of ${p.name} is ${p.completeStatus?.name ?? 'not set'}.`);
    },
    onError: (e) => notifyError(undefined, e),
  });

  const items = (q.data?.items ?? []).filter((p) => only === 'all' || p.mappedIssueTypes.length > 0);
  return (
    <>
      <Group justify="space-between" wrap="wrap">
        <Group gap="xs">
          <Text fw={600}>Projects of {integration.name}</Text>
          {integration.projects?.lastSyncAt ? (
            <Text size="xs" c="dimmed">
              Last synced <DateTime value={integration.projects.lastSyncAt} />
            </Text>
          ) : null}
        </Group>
        <Group gap="xs">
          <SegmentedControl
            size="xs"
            aria-label="Which projects"
            value={only}
            onChange={(v) => setOnly(v as 'all' | 'mapped')}
            data={[
              { value: 'all', label: 'All' },
              { value: 'mapped', label: 'Only Mapped' },
            ]}
          />
          {canEdit ? (
            <Button size="xs" variant="light" loading={sync.isPending} onClick={() => sync.mutate()} disabled={!integration.enabled}>
              Sync Project List
            </Button>
          ) : null}
        </Group>
      </Group>
      {q.isLoading ? (
        <Loading label="Loading projects…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : items.length === 0 ? (
        <EmptyState title={only === 'mapped' ? 'No mapped projects' : 'No projects'}>
          {only === 'mapped' ? 'Map the required fields of a project to see it here.' : 'Click "Sync Project List" to pull the projects from Jira.'}
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table withTableBorder>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Project</Table.Th>
                <Table.Th>Modified By</Table.Th>
                <Table.Th>Complete Status</Table.Th>
                <Table.Th>Auto Sync</Table.Th>
                <Table.Th>Field Mappings</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((p) => (
                <Table.Tr key={p.id} data-testid={`project-${p.key}`}>
                  <Table.Td>
                    <Text size="sm" fw={500}>
                      {p.name}
                    </Text>
                    <Text size="xs" c="dimmed">
                      {p.key}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Text size="sm">{p.modifiedBy}</Text>
                    <Text size="xs" c="dimmed">
                      <DateTime value={p.modifiedAt} />
                    </Text>
                  </Table.Td>
                  <Table.Td miw={200}>
                    <Select
                      aria-label={`Complete Status of ${p.name}`}
                      placeholder="Click to change status"
                      data={p.statuses.map((s) => ({ value: s.id, label: s.name }))}
                      value={p.completeStatus?.id ?? null}
                      onChange={(v) => v && v !== p.completeStatus?.id && setStatus.mutate({ projectId: p.id, statusId: v })}
                      disabled={!canEdit || setStatus.isPending}
                      allowDeselect={false}
                      size="xs"
                    />
                  </Table.Td>
                  <Table.Td>
                    {p.autoSync.enabled ? (
                      <Badge color="green" variant="light">
                        Enabled
                      </Badge>
                    ) : (
                      <Tooltip label={p.autoSync.reason}>
                        <Group gap={4} wrap="nowrap">
                          <Badge color="gray" variant="light">
                            Disabled
                          </Badge>
                          <Text size="xs" c="dimmed" aria-label={`Reason: ${p.autoSync.reason}`}>
                            ⓘ {p.autoSync.reason}
                          </Text>
                        </Group>
                      </Tooltip>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <Button
                      size="xs"
                      variant="subtle"
                      onClick={() => setMapping(p)}
                      aria-label={`${p.mappedIssueTypes.length ? 'View' : 'Add'} Field Mapping for ${p.name}`}
                    >
                      {p.mappedIssueTypes.length ? 'View Field Mapping' : 'Add Field Mapping'}
                    </Button>
                    {p.mappedIssueTypes.length ? (
                      <Text size="xs" c="dimmed">
                        {p.mappedIssueTypes.map((t) => t.name).join(', ')}
                      </Text>
                    ) : null}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {mapping ? <MappingModal integration={integration} project={mapping} onClose={() => setMapping(null)} /> : null}
    </>
  );
}
