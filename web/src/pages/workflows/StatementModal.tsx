import { useEffect, useState, type FormEvent } from 'react';
import { Group, Select, Stack } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { useNarrow } from '../../components/table';
import { SOURCE_DLP_TYPES, useVocabulary, useWorkflows, useSaveMapping, type MappingView } from './api';
import { ConditionsEditor, conditionOf, conditionsState, type ConditionsState } from './ConditionsEditor';

/** Add Statement / Edit Statement: Workflow Name, Source DLP Type and conditions (simple rows or the nested Advanced tree). */
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
  const narrow = useNarrow();
  const vocab = useVocabulary();
  const workflows = useWorkflows();
  const [workflowId, setWorkflowId] = useState<string | null>(null);
  const [source, setSource] = useState<string>('Any');
  const [conditions, setConditions] = useState<ConditionsState>(() => conditionsState(null));
  const [localError, setLocalError] = useState<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    setWorkflowId(statement ? String(statement.workflowId) : presetWorkflowId ? String(presetWorkflowId) : null);
    setSource(statement?.sourceDlpType ?? 'Any');
    setConditions(conditionsState(statement?.condition ?? null));
    setLocalError(null);
    save.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, statement, presetWorkflowId]);

  const save = useSaveMapping(statement?.id ?? null, {
    onSuccess: () => {
      notifySuccess(statement ? 'Statement updated' : 'Statement added', statement ? 'The statement was saved.' : 'The statement was added last in the list.');
      onClose();
    },
    onError: (err) => notifyError('Could not save the statement', err),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    setLocalError(null);
    if (!workflowId) return setLocalError('Pick the Workflow Name.');
    const c = conditionOf(conditions, vocab.data);
    if ('error' in c) return setLocalError(c.error);
    save.mutate({ workflowId: Number(workflowId), sourceDlpType: source as (typeof SOURCE_DLP_TYPES)[number], condition: c.condition });
  }

  return (
    <Dialog
      opened={opened}
      onClose={save.isPending ? () => undefined : onClose}
      title={statement ? 'Edit Statement' : 'Add Statement'}
      size="xl"
      fullScreen={narrow}
      centered
    >
      <form onSubmit={submit} noValidate aria-label={statement ? 'Edit Statement' : 'Add Statement'}>
        <Stack>
          <FormError error={localError ?? (save.isError ? errorMessage(save.error) : null)} />
          <Group grow align="start">
            <Select
              label="Workflow Name"
              required
              searchable
              data={(workflows.data?.items ?? []).map((w) => ({ value: String(w.id), label: w.name }))}
              value={workflowId}
              onChange={setWorkflowId}
              nothingFoundMessage="No workflow; add one on Workflows first"
            />
            <Select
              label="Source DLP Type"
              required
              data={[...SOURCE_DLP_TYPES]}
              value={source}
              onChange={(v) => setSource(v ?? 'Any')}
              allowDeselect={false}
            />
          </Group>
          <ConditionsEditor state={conditions} onChange={setConditions} vocab={vocab.data} onError={setLocalError} />
          <FormButtons submitLabel={statement ? 'Update' : 'Save'} onCancel={onClose} busy={save.isPending} cancelDisabled={save.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}
