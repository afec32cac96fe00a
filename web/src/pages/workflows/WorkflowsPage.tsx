import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Badge, Button, Group, Menu, Select, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { notifyError, notifySuccess } from '../../components/notify';
import { useDeleteWorkflow, useTemplates, useWorkflows, type WorkflowView } from './api';

/** Workflows: the org's workflow definitions; Add Pre-defined Workflow from a template. */
export function WorkflowsPage() {
  const { can } = useAuth();
  const canEdit = can('Workflows and Mappings', 'edit');
  const navigate = useNavigate();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 200);
  const [template, setTemplate] = useState<string | null>(null);
  const [mapped, setMapped] = useState<string | null>(null);
  const templates = useTemplates();
  const q = useWorkflows({ search: debounced || undefined, template: template ?? undefined, mapped: (mapped as 'yes' | 'no' | null) ?? undefined });

  const remove = useConfirmAction(
    useDeleteWorkflow({
      onSuccess: (_v, w) => notifySuccess('Workflow deleted', `${w.name} was deleted.`),
      onError: (err) => notifyError('Could not delete the workflow', err),
    }),
  );

  const actions = (w: WorkflowView) => (
    <Group gap={4} wrap="nowrap">
      <Button size="compact-sm" variant="subtle" aria-label={`Edit ${w.name}`} onClick={() => navigate(`/workflows/${w.id}/edit`)}>
        {canEdit ? 'Edit' : 'View'}
      </Button>
      {canEdit ? (
        <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete ${w.name}`} onClick={() => remove.ask(w)}>
          Delete
        </Button>
      ) : null}
    </Group>
  );

  const available = (templates.data?.items ?? []).filter((t) => t.available);
  return (
    <>
      <PageHeader
        title="Workflows"
        description="Workflows run on new incidents chosen by Workflow Mappings. Edits apply to future incidents; running ones finish unchanged."
        actions={
          canEdit ? (
            <Menu position="bottom-end">
              <Menu.Target>
                <Button data-testid="add-predefined-workflow">Add Pre-defined Workflow</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {available.map((t) => (
                  <Menu.Item key={t.key} onClick={() => navigate(`/workflows/new/${t.key}`)}>
                    {t.name}
                  </Menu.Item>
                ))}
              </Menu.Dropdown>
            </Menu>
          ) : null
        }
      />
      <Group mb="md" align="end">
        <TextInput
          aria-label="Search workflows"
          placeholder="Search workflow names"
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          maw={320}
        />
        <Select
          aria-label="Template Name filter"
          placeholder="Any template"
          clearable
          data={(templates.data?.items ?? []).map((t) => ({ value: t.key, label: t.name }))}
          value={template}
          onChange={setTemplate}
          maw={320}
        />
        <Select
          aria-label="Mapping filter"
          placeholder="Mapped or not"
          clearable
          data={[
            { value: 'yes', label: 'Mapped' },
            { value: 'no', label: 'Not mapped' },
          ]}
          value={mapped}
          onChange={setMapped}
          maw={200}
        />
      </Group>
      {q.isLoading ? (
        <Loading label="Loading workflows…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title={debounced || template || mapped ? 'No matching workflows' : 'No workflows yet'}>
          {canEdit ? 'Use "Add Pre-defined Workflow" to make one from a template.' : null}
        </EmptyState>
      ) : (
        <DataList
          label="Workflows"
          items={q.data.items}
          rowKey={(w) => w.id}
          rowTestId={(w) => `workflow-row-${w.id}`}
          minWidth={720}
          cardCols={2}
          cardTitle={(w) => (
            <Text fw={600} size="sm">
              {w.name}
            </Text>
          )}
          cardActions={actions}
          columns={[
            {
              header: 'Workflow Name',
              cell: (w) => (
                <Text fw={500} size="sm">
                  {w.name}
                </Text>
              ),
              card: null,
            },
            { header: 'Template Name', cell: (w) => w.templateName },
            {
              header: 'Status',
              cell: (w) => (
                <Badge variant="light" color={w.status === 'Published' ? 'green' : 'gray'}>
                  {w.status}
                </Badge>
              ),
            },
            {
              header: 'Mapping',
              full: true,
              cell: (w) => (
                <Group gap={4} wrap="nowrap">
                  {canEdit ? (
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      aria-label={`Add mapping for ${w.name}`}
                      onClick={() => navigate(`/workflow-mappings?add=${w.id}`)}
                    >
                      Add
                    </Button>
                  ) : null}
                  <Button
                    size="compact-sm"
                    variant="subtle"
                    aria-label={`View mappings of ${w.name}`}
                    disabled={!w.mappings}
                    onClick={() => navigate(`/workflow-mappings?workflow=${w.id}`)}
                  >
                    View ({w.mappings})
                  </Button>
                </Group>
              ),
            },
            { header: 'Action', cell: actions, card: null },
          ]}
        />
      )}
      <ConfirmDialog {...remove.dialog} title="Delete Workflow" confirmLabel="Delete">
        Delete the workflow <b>{remove.target?.name}</b>?{' '}
        {remove.target?.mappings
          ? `It is used by ${remove.target.mappings} mapping statement(s), so it cannot be deleted until they are removed.`
          : 'Incidents it ran on keep their history.'}
      </ConfirmDialog>
    </>
  );
}
