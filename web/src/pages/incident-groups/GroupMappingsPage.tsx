import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Code, Group, Paper, Select, Text } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { StatementRowActions } from '../workflows/StatementRowActions';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { notifyError, notifySuccess } from '../../components/notify';
import { conditionText } from '../workflows/api';
import { GroupStatementModal } from './GroupStatementModal';
import { useDeleteGroupMapping, useGroupChoices, useGroupMappings, useMoveGroupMapping, useSetDefaultGroup, type GroupMappingView } from './api';

/** The default incident group: for new incidents no statement matches. */
function DefaultGroup({ current, canEdit }: { current: { id: number; name: string } | null; canEdit: boolean }) {
  const groups = useGroupChoices();
  const [value, setValue] = useState<string | null>(current ? String(current.id) : null);
  useEffect(() => setValue(current ? String(current.id) : null), [current]);
  const set = useSetDefaultGroup({
    onSuccess: (r) =>
      notifySuccess('Default incident group saved', r.defaultGroup ? `Unmatched incidents join ${r.defaultGroup.name}.` : 'Unmatched incidents join no group.'),
    onError: (err) => notifyError('Could not save the default incident group', err),
  });
  const changed = (value ?? null) !== (current ? String(current.id) : null);
  return (
    <Paper withBorder p="md" mb="md">
      <Group align="end">
        <Select
          label="Default Incident Group"
          description="New incidents that no statement matches join this group."
          placeholder="None"
          clearable
          searchable
          disabled={!canEdit}
          data={(groups.data?.items ?? []).map((g) => ({ value: String(g.id), label: g.name }))}
          value={value}
          onChange={setValue}
          w={{ base: '100%', xs: 360 }}
        />
        {canEdit ? (
          <Button onClick={() => set.mutate(value ? Number(value) : null)} loading={set.isPending} disabled={!changed}>
            Save
          </Button>
        ) : null}
      </Group>
    </Paper>
  );
}

/** Incident Group Mappings: ordered statements, each assigning incident groups; every matching statement applies; plus the default group. */
export function GroupMappingsPage() {
  const { can } = useAuth();
  const canEdit = can('Incident Group and Mappings', 'edit');
  const [params, setParams] = useSearchParams();
  const q = useGroupMappings();
  const [editing, setEditing] = useState<GroupMappingView | null>(null);
  const [adding, setAdding] = useState(false);
  const preset = params.get('add') ? Number(params.get('add')) : null;
  useEffect(() => {
    if (preset && canEdit) setAdding(true);
  }, [preset, canEdit]);

  const move = useMoveGroupMapping({ onError: (err) => notifyError('Could not move the statement', err) });
  const remove = useConfirmAction(
    useDeleteGroupMapping({
      onSuccess: (_v, m) => notifySuccess('Statement deleted', `Statement ${m.position} was deleted.`),
      onError: (err) => notifyError('Could not delete the statement', err),
    }),
  );
  const close = () => {
    setAdding(false);
    setEditing(null);
    if (params.has('add')) {
      params.delete('add');
      setParams(params, { replace: true });
    }
  };

  const items = q.data?.items ?? [];
  const actions = (m: GroupMappingView, i: number) => (
    <StatementRowActions
      position={m.position}
      first={i === 0}
      last={i === items.length - 1}
      moving={move.isPending}
      onMove={(direction) => move.mutate({ id: m.id, direction })}
      onEdit={() => setEditing(m)}
      onDelete={() => remove.ask(m)}
    />
  );
  return (
    <>
      <PageHeader
        title="Incident Group Mappings"
        description="Each new incident joins the incident groups of every statement that matches it; when none matches, the default incident group. Changes apply to incidents ingested from now on."
        actions={
          canEdit ? (
            <Button onClick={() => setAdding(true)} data-testid="add-group-statement">
              Add Statement
            </Button>
          ) : null
        }
      />
      {q.isLoading ? (
        <Loading label="Loading mappings…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : (
        <>
          <DefaultGroup current={q.data?.defaultGroup ?? null} canEdit={canEdit} />
          {!items.length ? (
            <EmptyState title="No statements yet">
              {canEdit ? 'Use "Add Statement" to put incidents in groups.' : 'An admin with Edit on Incident Group and Mappings can add statements.'}
            </EmptyState>
          ) : (
            <DataList
              label="Incident Group Mappings"
              items={items}
              rowKey={(m) => m.id}
              rowTestId={(m) => `group-statement-${m.position}`}
              minWidth={720}
              cardTitle={(m) => (
                <Text fw={600} size="sm">
                  {m.position}. {m.groups.map((g) => g.name).join(', ')}
                </Text>
              )}
              cardActions={canEdit ? (m) => actions(m, items.indexOf(m)) : undefined}
              columns={[
                { header: '#', width: 50, cell: (m) => m.position, card: null },
                {
                  header: 'Incident Groups',
                  cell: (m) => (
                    <Text fw={500} size="sm">
                      {m.groups.map((g) => g.name).join(', ')}
                    </Text>
                  ),
                  card: null,
                },
                { header: 'Source DLP Type', noWrap: 'header', cell: (m) => m.sourceDlpType },
                { header: 'Conditions', cell: (m) => <Code style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{conditionText(m.condition)}</Code> },
                ...(canEdit ? [{ header: 'Actions', cell: (m: GroupMappingView) => actions(m, items.indexOf(m)), card: null }] : []),
              ]}
            />
          )}
          <Text size="xs" c="dimmed" mt="sm">
            Statements are listed in order; all matching statements apply, so an incident can be in several groups and gets the highest of their priorities.
          </Text>
        </>
      )}
      <GroupStatementModal opened={adding || !!editing} statement={editing} presetGroupId={preset} onClose={close} />
      <ConfirmDialog {...remove.dialog} title="Delete Statement" confirmLabel="Delete">
        Delete statement {remove.target?.position} ({remove.target?.groups.map((g) => g.name).join(', ')})? Incidents already in those groups stay in them.
      </ConfirmDialog>
    </>
  );
}
