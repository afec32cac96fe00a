import { useEffect, useState } from 'react';
import { Select } from '@mantine/core';
import { notifyError, notifySuccess } from '../../components/notify';
import { useVocabulary, useWorkflows, useSaveMapping, type MappingView } from './api';
import { StatementDialog, statementSavedNotice } from './StatementDialog';

/** Add Statement / Edit Statement of Workflow Mappings: the Workflow Name it runs, Source DLP Type and conditions. */
export function StatementModal({
  opened,
  statement,
  presetWorkflowId,
  onClose,
}: {
  opened: boolean;
  statement: MappingView | null;
  presetWorkflowId?: number | null;
  onClose(): void;
}) {
  const vocab = useVocabulary();
  const workflows = useWorkflows();
  const [workflowId, setWorkflowId] = useState<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    setWorkflowId(statement ? String(statement.workflowId) : presetWorkflowId ? String(presetWorkflowId) : null);
    save.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, statement, presetWorkflowId]);

  const save = useSaveMapping(statement?.id ?? null, {
    onSuccess: () => {
      notifySuccess(...statementSavedNotice(!!statement));
      onClose();
    },
    onError: (err) => notifyError('Could not save the statement', err),
  });

  return (
    <StatementDialog
      opened={opened}
      initial={statement}
      vocab={vocab.data}
      target={
        <Select
          label="Workflow Name"
          required
          searchable
          data={(workflows.data?.items ?? []).map((w) => ({ value: String(w.id), label: w.name }))}
          value={workflowId}
          onChange={setWorkflowId}
          nothingFoundMessage="No workflow; add one on Workflows first"
        />
      }
      targetError={() => (workflowId ? null : 'Pick the Workflow Name.')}
      saving={save.isPending}
      saveError={save.isError ? save.error : null}
      onSave={(s) => save.mutate({ workflowId: Number(workflowId), ...s })}
      onClose={onClose}
    />
  );
}
