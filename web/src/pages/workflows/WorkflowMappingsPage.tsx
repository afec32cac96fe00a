import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { Button, Code, Text } from '@mantine/core';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { StatementRowActions } from './StatementRowActions';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { notifyError, notifySuccess } from '../../components/notify';
import { StatementModal } from './StatementModal';
import { TestPanel } from './TestPanel';
import { conditionText, useDeleteMapping, useMappings, useMoveMapping, type MappingView } from './api';

/** Workflow Mappings: ordered statements, the first that matches a new incident chooses its workflow. */
export function WorkflowMappingsPage() {
  const [params, setParams] = useSearchParams();
  const q = useMappings();
  const [editing, setEditing] = useState<MappingView | null>(null);
  const [adding, setAdding] = useState(false);
  const preset = params.get('add') ? Number(params.get('add')) : null;
  const highlight = params.get('workflow') ? Number(params.get('workflow')) : null;
  useEffect(() => {
    if (preset) setAdding(true);
  }, [preset]);

  const move = useMoveMapping({ onError: (err) => notifyError('Could not move the statement', err) });
  const remove = useConfirmAction(
    useDeleteMapping({
      onSuccess: (_v, m) => notifySuccess('Statement deleted', `Statement ${m.position} (${m.workflowName}) was deleted.`),
      onError: (err) => notifyError('Could not delete the statement', err),
    }),
  );

  const items = q.data?.items ?? [];
  const actions = (m: MappingView, i: number) => (
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
  const close = () => {
    setAdding(false);
    setEditing(null);
    if (params.has('add')) {
      params.delete('add');
      setParams(params, { replace: true });
    }
  };
  return (
    <>
      <PageHeader
        title="Workflow Mappings"
        description="Statements are checked in order for each new incident; the first that matches chooses its workflow. None matching: no workflow runs."
        actions={
          <Button onClick={() => setAdding(true)} data-testid="add-statement">
            Add Statement
          </Button>
        }
      />
      {q.isLoading ? (
        <Loading label="Loading mappings…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !items.length ? (
        <EmptyState title="No statements yet">Use "Add Statement" to map incidents to a workflow.</EmptyState>
      ) : (
        <DataList
          label="Workflow Mappings"
          items={items}
          rowKey={(m) => m.id}
          rowTestId={(m) => `statement-${m.position}`}
          rowHighlighted={(m) => highlight === m.workflowId}
          minWidth={720}
          cardTitle={(m) => (
            <Text fw={600} size="sm">
              {m.position}. {m.workflowName}
            </Text>
          )}
          cardActions={(m) => actions(m, items.indexOf(m))}
          columns={[
            { header: '#', width: 50, cell: (m) => m.position, card: null },
            {
              header: 'Workflow Name',
              cell: (m) => (
                <Text fw={500} size="sm">
                  {m.workflowName}
                </Text>
              ),
              card: null,
            },
            { header: 'Source DLP Type', noWrap: 'header', cell: (m) => m.sourceDlpType },
            { header: 'Conditions', cell: (m) => <Code style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{conditionText(m.condition)}</Code> },
            { header: 'Actions', cell: (m) => actions(m, items.indexOf(m)), card: null },
          ]}
        />
      )}
      <TestPanel />
      <StatementModal opened={adding || !!editing} statement={editing} presetWorkflowId={preset} onClose={close} />
      <ConfirmDialog {...remove.dialog} title="Delete Statement" confirmLabel="Delete">
        Delete statement {remove.target?.position} ({remove.target?.workflowName})? New incidents it would have matched go on to the next statements.
      </ConfirmDialog>
    </>
  );
}
