import { useState } from 'react';
import { Stack, Text } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { FormButtons, FormError } from '../../components/forms';
import { RoleSelect } from '../../components/RoleSelect';
import { notifySuccess } from '../../components/notify';
import { useUpdateAdmin, type AdminView } from './api';

export function ChangeRoleModal({ admin, onClose }: { admin: AdminView | null; onClose(): void }) {
  const [roleId, setRoleId] = useState('');
  const current = admin ? String(admin.roleId) : '';
  const value = roleId || current;
  const m = useUpdateAdmin({
    onSuccess: (a) => {
      notifySuccess('Role changed', `${a.email} now has the role ${a.roleName}. Their open sessions were ended.`);
      close();
    },
  });
  function close() {
    setRoleId('');
    m.reset();
    onClose();
  }
  return (
    <Dialog opened={!!admin} onClose={close} title="Change Role" centered>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (admin) m.mutate({ admin, change: { roleId: Number(value) } });
        }}
      >
        <Stack>
          <Text size="sm">
            Choose the role for <b>{admin?.email}</b>. They will be signed out and get the new permissions at their next sign-in.
          </Text>
          <FormError error={m.error} />
          <RoleSelect value={value} onChange={setRoleId} />
          <FormButtons submitLabel="Save" onCancel={close} busy={m.isPending} submitDisabled={value === current} />
        </Stack>
      </form>
    </Dialog>
  );
}
