import { useEffect, useState } from 'react';
import { TableScroll } from '../../components/TableScroll';
import { useSearchParams } from 'react-router';
import { ActionIcon, Button, Code, Group, Table } from '@mantine/core';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
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
        <TableScroll label="Workflow Mappings" minWidth={720}>
          <Table striped aria-label="Workflow Mappings">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={50}>#</Table.Th>
                <Table.Th>Workflow Name</Table.Th>
                <Table.Th>Source DLP Type</Table.Th>
                <Table.Th>Conditions</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((m, i) => (
                <Table.Tr key={m.id} data-testid={`statement-${m.position}`} bg={highlight === m.workflowId ? 'var(--mantine-color-blue-light)' : undefined}>
                  <Table.Td>{m.position}</Table.Td>
                  <Table.Td fw={500}>{m.workflowName}</Table.Td>
                  <Table.Td>{m.sourceDlpType}</Table.Td>
                  <Table.Td>
                    <Code>{conditionText(m.condition)}</Code>
                  </Table.Td>
                  <Table.Td>
                    <Group gap={4} wrap="nowrap">
                      <ActionIcon
                        variant="subtle"
                        aria-label={`Move statement ${m.position} up`}
                        disabled={i === 0 || move.isPending}
                        onClick={() => move.mutate({ id: m.id, direction: 'up' })}
                      >
                        ↑
                      </ActionIcon>
                      <ActionIcon
                        variant="subtle"
                        aria-label={`Move statement ${m.position} down`}
                        disabled={i === items.length - 1 || move.isPending}
                        onClick={() => move.mutate({ id: m.id, direction: 'down' })}
                      >
                        ↓
                      </ActionIcon>
                      <Button size="compact-sm" variant="subtle" aria-label={`Edit statement ${m.position}`} onClick={() => setEditing(m)}>
                        Edit
                      </Button>
                      <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete statement ${m.position}`} onClick={() => remove.ask(m)}>
                        Delete
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </TableScroll>
      )}
      <TestPanel />
      <StatementModal opened={adding || !!editing} statement={editing} presetWorkflowId={preset} onClose={close} />
      <ConfirmDialog {...remove.dialog} title="Delete Statement" confirmLabel="Delete">
        Delete statement {remove.target?.position} ({remove.target?.workflowName})? New incidents it would have matched go on to the next statements.
      </ConfirmDialog>
    </>
  );
}
