import { useState } from 'react';
import { Badge, Button, Group, SegmentedControl, Select, Text, Tooltip } from '@mantine/core';
import { useAuth } from '../../auth';
import { DateTime, EmptyState, ErrorState, Loading } from '../../components/common';
import { DataList } from '../../components/DataList';
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
        <DataList
          label={`Projects of ${integration.name}`}
          items={items}
          rowKey={(p) => p.id}
          rowTestId={(p) => `project-${p.key}`}
          minWidth={760}
          cardTitle={(p) => <ProjectName project={p} />}
          columns={[
            { header: 'Project', cell: (p) => <ProjectName project={p} />, card: null },
            {
              header: 'Modified By',
              cell: (p) => (
                <>
                  <Text size="sm">{p.modifiedBy}</Text>
                  <Text size="xs" c="dimmed">
                    <DateTime value={p.modifiedAt} />
                  </Text>
                </>
              ),
            },
            {
              header: 'Complete Status',
              cell: (p) => (
                <Select
                  aria-label={`Complete Status of ${p.name}`}
                  placeholder="Click to change status"
                  data={p.statuses.map((s) => ({ value: s.id, label: s.name }))}
                  value={p.completeStatus?.id ?? null}
                  onChange={(v) => v && v !== p.completeStatus?.id && setStatus.mutate({ projectId: p.id, statusId: v })}
                  disabled={!canEdit || setStatus.isPending}
                  allowDeselect={false}
                  size="xs"
                  miw={180}
                />
              ),
            },
            { header: 'Auto Sync', cell: (p) => <AutoSync project={p} /> },
            {
              header: 'Field Mappings',
              cell: (p) => (
                <>
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
                </>
              ),
            },
          ]}
        />
      )}
      {mapping ? <MappingModal integration={integration} project={mapping} onClose={() => setMapping(null)} /> : null}
    </>
  );
}

function ProjectName({ project }: { project: JiraProjectView }) {
  return (
    <>
      <Text size="sm" fw={500}>
        {project.name}
      </Text>
      <Text size="xs" c="dimmed">
        {project.key}
      </Text>
    </>
  );
}

/** Enabled, or Disabled with the reason spelled out (the tooltip repeats it for mouse users). */
function AutoSync({ project }: { project: JiraProjectView }) {
  if (project.autoSync.enabled)
    return (
      <Badge color="green" variant="light">
        Enabled
      </Badge>
    );
  return (
    <Tooltip label={project.autoSync.reason}>
      <Group gap={4} wrap="wrap">
        <Badge color="gray" variant="light">
          Disabled
        </Badge>
        <Text size="xs" c="dimmed" aria-label={`Reason: ${project.autoSync.reason}`}>
          ⓘ {project.autoSync.reason}
        </Text>
      </Group>
    </Tooltip>
  );
}
