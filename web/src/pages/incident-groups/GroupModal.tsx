import { useEffect, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { Button, Group, Select, Stack, TextInput, Textarea } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { useGroupTypes, useSaveGroup, type GroupView } from './api';

const NAME_MAX = 200;
const TYPE_MAX = 100;
const DESCRIPTION_MAX = 2000;

/** Add / Edit Incident Group: Type (an existing one, or "Add Type" for a new one), Name, Description; "Save and create mapping" when adding. */
export function GroupModal({ group, opened, onClose }: { group: GroupView | null; opened: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const navigate = useNavigate();
  const editing = !!group;
  const types = useGroupTypes(opened);
  const [type, setType] = useState<string | null>(null);
  const [newType, setNewType] = useState<string | null>(null);
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [thenMap, setThenMap] = useState(false);

  useEffect(() => {
    if (!opened) return;
    setType(group?.type ?? null);
    setNewType(null);
    setName(group?.name ?? '');
    setDescription(group?.description ?? '');
    setErrors({});
    setThenMap(false);
    m.reset();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened, group]);

  const m = useSaveGroup(group?.id ?? null, {
    onSuccess: (g) => {
      notifySuccess(editing ? 'Incident group updated' : 'Incident group added', `${g.name} (${g.type}) was saved.`);
      onClose();
      if (thenMap) navigate(`/setup/incident-group-mappings?add=${g.id}`);
    },
    onError: (err) => {
      const fe = fieldErrors(err);
      setErrors({ type: fe.type, name: fe.name, description: fe.description } as Record<string, string>);
      notifyError(editing ? 'Could not update the incident group' : 'Could not add the incident group', err);
    },
  });

  const chosenType = (newType ?? type ?? '').trim();
  function submit(e: FormEvent, andMap = false) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!chosenType) errs.type = newType !== null ? 'Enter the new Type.' : 'Pick a Type, or use "Add Type".';
    else if (chosenType.length > TYPE_MAX) errs.type = `Type must be at most ${TYPE_MAX} characters.`;
    if (!name.trim()) errs.name = 'Name is required.';
    else if (name.trim().length > NAME_MAX) errs.name = `Name must be at most ${NAME_MAX} characters.`;
    if (description.length > DESCRIPTION_MAX) errs.description = `Description must be at most ${DESCRIPTION_MAX} characters.`;
    setErrors(errs);
    if (Object.keys(errs).length) return;
    setThenMap(andMap);
    m.mutate({ type: chosenType, name: name.trim(), description: description.trim() || null });
  }

  const typeChoices = [...new Set([...(types.data?.items ?? []), ...(group ? [group.type] : [])])];
  const serverError = m.isError && !Object.values(fieldErrors(m.error)).some(Boolean) ? errorMessage(m.error) : null;
  return (
    <Dialog
      opened={opened}
      onClose={m.isPending ? () => undefined : onClose}
      title={editing ? 'Edit Incident Group' : 'Add Incident Group'}
      fullScreen={narrow}
      centered
    >
      <form onSubmit={(e) => submit(e)} noValidate aria-label={editing ? 'Edit Incident Group' : 'Add Incident Group'}>
        <Stack>
          <FormError error={serverError} />
          {newType === null ? (
            <Group align="end" wrap="nowrap">
              <Select
                label="Type"
                required
                // Not searchable: a searchable select opens its list as soon as it takes the dialog's
                // first focus, covering the form, and the first Esc would close the list, not the dialog.
                data={typeChoices}
                value={type}
                onChange={(v) => (setType(v), setErrors((x) => ({ ...x, type: '' })))}
                error={errors.type || undefined}
                placeholder={typeChoices.length ? 'Pick a type' : 'No types yet: use "Add Type"'}
                style={{ flex: 1 }}
                data-autofocus
              />
              <Button variant="light" onClick={() => setNewType('')} mb={errors.type ? 22 : 0}>
                Add Type
              </Button>
            </Group>
          ) : (
            <Group align="end" wrap="nowrap">
              <TextInput
                label="New Type"
                required
                value={newType}
                onChange={(e) => (setNewType(e.currentTarget.value), setErrors((x) => ({ ...x, type: '' })))}
                error={errors.type || undefined}
                maxLength={TYPE_MAX + 20}
                style={{ flex: 1 }}
                data-autofocus
              />
              <Button variant="subtle" onClick={() => setNewType(null)} mb={errors.type ? 22 : 0}>
                Pick existing
              </Button>
            </Group>
          )}
          <TextInput
            label="Name"
            required
            value={name}
            onChange={(e) => (setName(e.currentTarget.value), setErrors((x) => ({ ...x, name: '' })))}
            error={errors.name || undefined}
            maxLength={NAME_MAX + 20}
          />
          <Textarea
            label="Description"
            value={description}
            onChange={(e) => setDescription(e.currentTarget.value)}
            error={errors.description || undefined}
            autosize
            minRows={2}
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose} disabled={m.isPending}>
              Cancel
            </Button>
            {editing ? null : (
              <Button variant="light" onClick={(e) => submit(e, true)} loading={m.isPending && thenMap} disabled={m.isPending && !thenMap}>
                Save and create mapping
              </Button>
            )}
            <Button type="submit" loading={m.isPending && !thenMap} disabled={m.isPending && thenMap}>
              {editing ? 'Update' : 'Save'}
            </Button>
          </Group>
        </Stack>
      </form>
    </Dialog>
  );
}
