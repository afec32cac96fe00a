import { useEffect, useState, type FormEvent } from 'react';
import { Badge, Button, Group, Stack, Table, TagsInput, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../components/Dialog';
import { del, get, patch, post } from '../../api/client';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { EmptyState, ErrorState, Loading, PageHeader, errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import type { LabelView } from '../../../../src/modules/labels/schemas';
import { WRAPPING_BADGE } from '../incidents/columns';

const NAME_MAX = 100;
const VALUE_MAX = 100;
const VALUES_MAX = 200;

function validate(name: string, values: string[]): Record<string, string> {
  const errs: Record<string, string> = {};
  if (!name.trim()) errs.name = 'Label name is required.';
  else if (name.trim().length > NAME_MAX) errs.name = `Label name must be at most ${NAME_MAX} characters.`;
  if (values.length > VALUES_MAX) errs.values = `A label can have at most ${VALUES_MAX} values.`;
  const long = values.find((v) => v.length > VALUE_MAX);
  if (long) errs.values = `"${long.slice(0, 20)}…" is longer than ${VALUE_MAX} characters.`;
  return errs;
}

/**
 * Label Values as chips: type a value and press Enter or Tab to add it (Tab with an empty field
 * moves focus on as usual); Backspace or a chip's × removes one. Duplicates are ignored.
 */
function ValuesInput({ value, onChange, error }: { value: string[]; onChange(v: string[]): void; error?: string }) {
  const [search, setSearch] = useState('');
  function commit() {
    const v = search.trim();
    if (v && !value.some((x) => x.toLowerCase() === v.toLowerCase())) onChange([...value, v]);
    setSearch('');
  }
  return (
    <TagsInput
      label="Label Values"
      description="Optional. Type a value and press Enter or Tab to add it."
      placeholder={value.length ? 'Add another value' : 'Add a value'}
      value={value}
      onChange={onChange}
      searchValue={search}
      onSearchChange={setSearch}
      onKeyDown={(e) => {
        if (e.key === 'Tab' && search.trim()) {
          e.preventDefault();
          commit();
        }
      }}
      onBlur={() => commit()}
      allowDuplicates={false}
      clearable
      error={error}
      maxTags={VALUES_MAX}
      splitChars={[]}
      acceptValueOnBlur={false}
    />
  );
}

function LabelModal({ label, opened, onClose }: { label: LabelView | null; opened: boolean; onClose(): void }) {
  const qc = useQueryClient();
  const narrow = useNarrow();
  const editing = !!label;
  const [name, setName] = useState('');
  const [values, setValues] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  useEffect(() => {
    if (!opened) return;
    setName(label?.name ?? '');
    setValues(label?.values ?? []);
    setErrors({});
    m.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, label]);

  const m = useMutation({
    mutationFn: () => {
      const body = { name: name.trim(), values };
      return editing ? patch<LabelView>(`/labels/${label!.id}`, body) : post<LabelView>('/labels', body);
    },
    onSuccess: (l) => {
      notifySuccess(editing ? 'Label updated' : 'Label added', `${l.name} has ${l.values.length} value${l.values.length === 1 ? '' : 's'}.`);
      void qc.invalidateQueries({ queryKey: ['labels'] });
      void qc.invalidateQueries({ queryKey: ['incidents', 'filter-options'] });
      onClose();
    },
    onError: (err) => {
      const fe = fieldErrors(err);
      const valueErr = Object.entries(fe).find(([k]) => k.startsWith('values'))?.[1];
      setErrors({ name: fe.name, values: valueErr } as Record<string, string>);
      notifyError(editing ? 'Could not update the label' : 'Could not add the label', err);
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs = validate(name, values);
    setErrors(errs);
    if (!Object.keys(errs).length) m.mutate();
  }

  const serverError = m.isError && !Object.keys(fieldErrors(m.error)).length ? errorMessage(m.error) : null;
  return (
    <Dialog opened={opened} onClose={m.isPending ? () => undefined : onClose} title={editing ? 'Edit Label' : 'Add Label'} fullScreen={narrow} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError error={serverError} />
          <TextInput
            label="Label Name"
            required
            value={name}
            onChange={(e) => {
              setName(e.currentTarget.value);
              if (errors.name) setErrors((x) => ({ ...x, name: '' }));
            }}
            error={errors.name || undefined}
            data-autofocus
            maxLength={NAME_MAX + 20}
          />
          <ValuesInput
            value={values}
            onChange={(v) => {
              setValues(v);
              if (errors.values) setErrors((x) => ({ ...x, values: '' }));
            }}
            error={errors.values || undefined}
          />
          {editing && label!.values.some((v) => !values.includes(v)) ? (
            <Text size="xs" c="dimmed">
              Incidents that carry a deleted value keep it until someone changes their labels.
            </Text>
          ) : null}
          <FormButtons submitLabel={editing ? 'Update' : 'Add'} onCancel={onClose} busy={m.isPending} cancelDisabled={m.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}

export function LabelsPage() {
  const { can } = useAuth();
  const canEdit = can('Labels', 'edit');
  const qc = useQueryClient();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search, 150);
  const [editing, setEditing] = useState<LabelView | null>(null);
  const [adding, setAdding] = useState(false);
  const q = useQuery({ queryKey: ['labels'], queryFn: () => get<{ items: LabelView[] }>('/labels') });

  const remove = useConfirmAction({
    mutationFn: (l: LabelView) => del(`/labels/${l.id}`),
    onSuccess: (_v, l) => {
      notifySuccess('Label deleted', `${l.name} was deleted. Incidents that carry it keep it until their labels are changed.`);
      void qc.invalidateQueries({ queryKey: ['labels'] });
      void qc.invalidateQueries({ queryKey: ['incidents', 'filter-options'] });
    },
    onError: (err) => notifyError('Could not delete the label', err),
  });

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
        <Table.ScrollContainer minWidth={360}>
          <Table striped highlightOnHover aria-label="Labels">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Label Name</Table.Th>
                <Table.Th>Label Value</Table.Th>
                {canEdit ? (
                  <Table.Th w={140}>
                    <span style={{ position: 'absolute', width: 1, height: 1, overflow: 'hidden', clip: 'rect(0 0 0 0)' }}>Actions</span>
                  </Table.Th>
                ) : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((l) => (
                <Table.Tr key={l.id}>
                  <Table.Td fw={500}>{l.name}</Table.Td>
                  <Table.Td>
                    {l.values.length ? (
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
                    )}
                  </Table.Td>
                  {canEdit ? (
                    <Table.Td>
                      <Group gap={4} wrap="nowrap">
                        <Button size="compact-sm" variant="subtle" aria-label={`Edit ${l.name}`} onClick={() => setEditing(l)}>
                          Edit
                        </Button>
                        <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete ${l.name}`} onClick={() => remove.ask(l)}>
                          Delete
                        </Button>
                      </Group>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <LabelModal opened={adding || !!editing} label={editing} onClose={() => (setAdding(false), setEditing(null))} />
      <ConfirmDialog {...remove.dialog} title="Delete Label" confirmLabel="Delete">
        Delete the label <b>{remove.target?.name}</b>? Incidents that carry it keep it until someone changes their labels.
      </ConfirmDialog>
    </>
  );
}
