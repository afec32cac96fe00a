import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { Select, SimpleGrid, Stack } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { useNarrow } from '../../components/table';
import { SOURCE_DLP_TYPES, type Condition, type Vocabulary } from './api';
import { ConditionsEditor, conditionOf, conditionsState, type ConditionsState } from './ConditionsEditor';

export type SourceDlpType = (typeof SOURCE_DLP_TYPES)[number];

/** The notices every statement dialog shows once saved. */
export const statementSavedNotice = (editing: boolean): [string, string] =>
  editing ? ['Statement updated', 'The statement was saved.'] : ['Statement added', 'The statement was added last in the list.'];

/**
 * Add / Edit Statement, whatever the statement assigns (a workflow on Workflow Mappings, incident
 * groups on Incident Group Mappings): the caller's `target` field first, then Source DLP Type and
 * the conditions (simple rows or the nested Advanced tree). The dialog owns the source and
 * conditions; the caller owns its target and the save.
 */
export function StatementDialog({
  opened,
  initial,
  vocab,
  target,
  targetError,
  saving,
  saveError,
  onSave,
  onClose,
}: {
  opened: boolean;
  /** The statement being edited (null: a new one). Read when the dialog opens. */
  initial: { sourceDlpType: SourceDlpType; condition: Condition | null } | null;
  vocab: Vocabulary | undefined;
  target: ReactNode;
  /** Why the target cannot be saved as it is, or null. */
  targetError(): string | null;
  saving: boolean;
  saveError: unknown;
  onSave(statement: { sourceDlpType: SourceDlpType; condition: Condition | null }): void;
  onClose(): void;
}) {
  const narrow = useNarrow();
  const editing = initial !== null;
  const [source, setSource] = useState<SourceDlpType>('Any');
  const [conditions, setConditions] = useState<ConditionsState>(() => conditionsState(null));
  const [localError, setLocalError] = useState<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    setSource(initial?.sourceDlpType ?? 'Any');
    setConditions(conditionsState(initial?.condition ?? null));
    setLocalError(null);
  }, [opened, initial]);

  function submit(e: FormEvent) {
    e.preventDefault();
    setLocalError(null);
    const refused = targetError();
    if (refused) return setLocalError(refused);
    const c = conditionOf(conditions, vocab);
    if ('error' in c) return setLocalError(c.error);
    onSave({ sourceDlpType: source, condition: c.condition });
  }

  const title = editing ? 'Edit Statement' : 'Add Statement';
  return (
    <Dialog opened={opened} onClose={saving ? () => undefined : onClose} title={title} size="xl" fullScreen={narrow} centered>
      <form onSubmit={submit} noValidate aria-label={title}>
        <Stack>
          <FormError error={localError ?? (saveError ? errorMessage(saveError) : null)} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            {target}
            <Select
              label="Source DLP Type"
              required
              data={[...SOURCE_DLP_TYPES]}
              value={source}
              onChange={(v) => setSource((v ?? 'Any') as SourceDlpType)}
              allowDeselect={false}
            />
          </SimpleGrid>
          <ConditionsEditor state={conditions} onChange={setConditions} vocab={vocab} onError={setLocalError} />
          <FormButtons submitLabel={editing ? 'Update' : 'Save'} onCancel={onClose} busy={saving} cancelDisabled={saving} />
        </Stack>
      </form>
    </Dialog>
  );
}
