import { useEffect, useState, type FormEvent } from 'react';
import { MultiSelect, Select, SimpleGrid, Stack } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { useNarrow } from '../../components/table';
import { SOURCE_DLP_TYPES } from '../workflows/api';
import { ConditionsEditor, conditionOf, conditionsState, type ConditionsState } from '../workflows/ConditionsEditor';
import { useGroupChoices, useGroupVocabulary, useSaveGroupMapping, type GroupMappingView } from './api';

/** Add / Edit Statement of Incident Group Mappings: the incident groups it assigns, Source DLP Type and conditions. */
export function GroupStatementModal({
  opened,
  statement,
  presetGroupId,
  onClose,
}: {
  opened: boolean;
  statement: GroupMappingView | null;
  presetGroupId?: number | null;
  onClose(): void;
}) {
  const narrow = useNarrow();
  const vocab = useGroupVocabulary();
  const groups = useGroupChoices(opened);
  const [groupIds, setGroupIds] = useState<string[]>([]);
  const [source, setSource] = useState<string>('Any');
  const [conditions, setConditions] = useState<ConditionsState>(() => conditionsState(null));
  const [localError, setLocalError] = useState<string | null>(null);

  useEffect(() => {
    if (!opened) return;
    setGroupIds(statement ? statement.groups.map((g) => String(g.id)) : presetGroupId ? [String(presetGroupId)] : []);
    setSource(statement?.sourceDlpType ?? 'Any');
    setConditions(conditionsState(statement?.condition ?? null));
    setLocalError(null);
    save.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, statement, presetGroupId]);

  const save = useSaveGroupMapping(statement?.id ?? null, {
    onSuccess: () => {
      notifySuccess(statement ? 'Statement updated' : 'Statement added', statement ? 'The statement was saved.' : 'The statement was added last in the list.');
      onClose();
    },
    onError: (err) => notifyError('Could not save the statement', err),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    setLocalError(null);
    if (!groupIds.length) return setLocalError('Pick at least one incident group.');
    const c = conditionOf(conditions, vocab.data);
    if ('error' in c) return setLocalError(c.error);
    save.mutate({ groupIds: groupIds.map(Number), sourceDlpType: source as (typeof SOURCE_DLP_TYPES)[number], condition: c.condition });
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
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <MultiSelect
              label="Incident Groups"
              required
              // Not searchable: a searchable select opens its list on the dialog's first focus, and
              // the first Esc would close the list instead of the dialog.
              data={(groups.data?.items ?? []).map((g) => ({ value: String(g.id), label: `${g.name} (${g.type})` }))}
              value={groupIds}
              onChange={setGroupIds}
              placeholder={groups.data && !groups.data.items.length ? 'No incident group yet: add one on Incident Groups first' : undefined}
              data-autofocus
            />
            <Select
              label="Source DLP Type"
              required
              data={[...SOURCE_DLP_TYPES]}
              value={source}
              onChange={(v) => setSource(v ?? 'Any')}
              allowDeselect={false}
            />
          </SimpleGrid>
          <ConditionsEditor state={conditions} onChange={setConditions} vocab={vocab.data} onError={setLocalError} />
          <FormButtons submitLabel={statement ? 'Update' : 'Save'} onCancel={onClose} busy={save.isPending} cancelDisabled={save.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}
