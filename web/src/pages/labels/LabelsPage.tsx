import { useState } from 'react';
import { Badge, Button, Group, Text, TextInput, VisuallyHidden } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { notifyError, notifySuccess } from '../../components/notify';
import { WRAPPING_BADGE } from '../incidents/columns';
import { LabelModal } from './LabelModal';
import { useDeleteLabel, useLabels, type LabelView } from './api';

export function LabelsPage() {
  const { can } = useAuth();
  const canEdit = can('Labels', 'edit');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 150);
  const [editing, setEditing] = useState<LabelView | null>(null);
  const [adding, setAdding] = useState(false);
  const q = useLabels();

  const remove = useConfirmAction(
    useDeleteLabel({
      onSuccess: (_v, l) => notifySuccess('Label deleted', `${l.name} was deleted. Incidents that carry it keep it until their labels are changed.`),
      onError: (err) => notifyError('Could not delete the label', err),
    }),
  );

  const actions = (l: LabelView) =>
    canEdit ? (
      <Group gap={4} wrap="nowrap">
        <Button size="compact-sm" variant="subtle" aria-label={`Edit ${l.name}`} onClick={() => setEditing(l)}>
          Edit
        </Button>
        <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete ${l.name}`} onClick={() => remove.ask(l)}>
          Delete
        </Button>
      </Group>
    ) : null;

  const term = debounced.trim().toLowerCase();
  const items = (q.data?.items ?? []).filter((l) => !term || l.name.toLowerCase().includes(term) || l.values.some((v) => v.toLowerCase().includes(term)));

  return (
    <>
      <PageHeader
        title="Labels"
        description="Labels tag incidents and double as resolution labels when an incident is closed."
        actions={
          canEdit ? (
            <Button onClick={() => setAdding(true)} data-testid="add-label">
              Add More
            </Button>
          ) : null
        }
      />
      <TextInput
        aria-label="Search labels"
        placeholder="Search label names and values"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        mb="md"
        maw={400}
      />
      {q.isLoading ? (
        <Loading label="Loading labels…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No labels yet">{canEdit ? 'Use "Add More" to create the first label.' : 'An admin with Edit on Labels can add labels.'}</EmptyState>
      ) : !items.length ? (
        <EmptyState title="No matching labels">No label name or value contains “{debounced.trim()}”.</EmptyState>
      ) : (
        <DataList
          label="Labels"
          items={items}
          rowKey={(l) => l.id}
          rowTestId={(l) => `label-row-${l.name}`}
          minWidth={360}
          cardTitle={(l) => (
            <Text fw={600} size="sm">
              {l.name}
            </Text>
          )}
          cardActions={actions}
          columns={[
            {
              header: 'Label Name',
              cell: (l) => (
                <Text fw={500} size="sm">
                  {l.name}
                </Text>
              ),
              card: null,
            },
            {
              header: 'Label Value',
              cell: (l) =>
                l.values.length ? (
                  <Group gap={4}>
                    {l.values.map((v) => (
                      <Badge key={v} variant="light" color="gray" styles={WRAPPING_BADGE}>
                        {v}
                      </Badge>
                    ))}
                  </Group>
                ) : (
                  <Text size="sm" c="dimmed">
                    —
                  </Text>
                ),
            },
            canEdit && { header: 'Actions', headerNode: <VisuallyHidden>Actions</VisuallyHidden>, width: 140, cell: actions, card: null },
          ]}
        />
      )}
      <LabelModal opened={adding || !!editing} label={editing} onClose={() => (setAdding(false), setEditing(null))} />
      <ConfirmDialog {...remove.dialog} title="Delete Label" confirmLabel="Delete">
        Delete the label <b>{remove.target?.name}</b>? Incidents that carry it keep it until someone changes their labels.
      </ConfirmDialog>
    </>
  );
}
