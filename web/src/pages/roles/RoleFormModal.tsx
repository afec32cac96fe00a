import { useState, type FormEvent } from 'react';
import { TableScroll } from '../../components/TableScroll';
import { Button, Group, Stack, Text, TextInput } from '@mantine/core';
import { CATEGORIES, type PermissionLevel } from '../../api/types';
import { Dialog } from '../../components/Dialog';
import { FormButtons, FormError } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { useSaveRole, type RoleView } from './api';
import { PermissionGrid, noPerms, type Perms } from './permissions';

/** Add Role (role null) or Edit Permissions (a custom role). */
export function RoleFormModal({ opened, role, onClose }: { opened: boolean; role: RoleView | null; onClose(): void }) {
  const narrow = useNarrow();
  const [name, setName] = useState(role?.name ?? '');
  const [perms, setPerms] = useState<Perms>(() => ({ ...noPerms(), ...((role?.permissions as Perms | undefined) ?? {}) }));
  const [nameError, setNameError] = useState<string | null>(null);

  const save = useSaveRole(role?.id ?? null, {
    onSuccess: (r) => {
      notifySuccess(role ? 'Role saved' : 'Role added', role ? `Permissions of ${r.name} were updated.` : `${r.name} can now be given to admins and API keys.`);
      onClose();
    },
    onError: (err) => setNameError(fieldErrors(err).name ?? null),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const n = name.trim();
    const err = !n ? 'Role name is required.' : n.length > 100 ? 'Role name must be at most 100 characters.' : null;
    setNameError(err);
    if (!err) save.mutate({ name: n, permissions: perms });
  }

  const setAll = (l: PermissionLevel) => setPerms(Object.fromEntries(CATEGORIES.map((c) => [c, l])) as Perms);

  return (
    <Dialog opened={opened} onClose={onClose} title={role ? 'Edit Permissions' : 'Add Role'} size="lg" fullScreen={narrow} centered={!narrow}>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError error={save.isError && !fieldErrors(save.error).name ? save.error : null} />
          <TextInput
            label="Role"
            placeholder="e.g. Audit Reviewer"
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            error={nameError}
            maxLength={100}
            data-autofocus
          />
          <TextInput label="Product" value="DLP" readOnly disabled description="Roles apply to the DLP product." />
          <Group justify="space-between" align="flex-end" wrap="wrap">
            <Text fw={500} size="sm">
              Permissions
            </Text>
            <Group gap={6}>
              <Text size="xs" c="dimmed">
                Set all to
              </Text>
              <Button size="compact-xs" variant="default" onClick={() => setAll('none')}>
                None
              </Button>
              <Button size="compact-xs" variant="default" onClick={() => setAll('view')}>
                View
              </Button>
              <Button size="compact-xs" variant="default" onClick={() => setAll('edit')}>
                Edit
              </Button>
            </Group>
          </Group>
          <Text size="xs" c="dimmed">
            Edit includes View. Delete (Incidents only) includes Edit.
          </Text>
          <TableScroll label="Permissions" minWidth={360}>
            <PermissionGrid value={perms} onChange={setPerms} />
          </TableScroll>
          <FormButtons submitLabel={role ? 'Save' : 'Add Role'} onCancel={onClose} busy={save.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}
