import { useEffect, useState, type FormEvent } from 'react';
import { Stack, TagsInput, Text, TextInput } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { useSaveLabel, type LabelView } from './api';

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

export function LabelModal({ label, opened, onClose }: { label: LabelView | null; opened: boolean; onClose(): void }) {
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

  const m = useSaveLabel(label?.id ?? null, {
    onSuccess: (l) => {
      notifySuccess(editing ? 'Label updated' : 'Label added', `${l.name} has ${l.values.length} value${l.values.length === 1 ? '' : 's'}.`);
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
    if (!Object.keys(errs).length) m.mutate({ name: name.trim(), values });
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
