import { useEffect, useState } from 'react';
import { MultiSelect } from '@mantine/core';
import { notifyError, notifySuccess } from '../../components/notify';
import { StatementDialog, statementSavedNotice } from '../workflows/StatementDialog';
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
  const vocab = useGroupVocabulary();
  const groups = useGroupChoices(opened);
  const [groupIds, setGroupIds] = useState<string[]>([]);

  useEffect(() => {
    if (!opened) return;
    setGroupIds(statement ? statement.groups.map((g) => String(g.id)) : presetGroupId ? [String(presetGroupId)] : []);
    save.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, statement, presetGroupId]);

  const save = useSaveGroupMapping(statement?.id ?? null, {
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
      }
      targetError={() => (groupIds.length ? null : 'Pick at least one incident group.')}
      saving={save.isPending}
      saveError={save.isError ? save.error : null}
      onSave={(s) => save.mutate({ groupIds: groupIds.map(Number), ...s })}
      onClose={onClose}
    />
  );
}
