import { useState } from 'react';
import { Badge, Button, Group, Menu, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { Paginator } from '../../components/Paginator';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { usePaging, useSorting } from '../../components/listState';
import { notifySuccess } from '../../components/notify';
import { ListToolbar, RowActionsMenu } from '../../components/table';
import { AddAdminModal } from './AddAdminModal';
import { ChangeRoleModal } from './ChangeRoleModal';
import { ResetPasswordModal } from './ResetPasswordModal';
import { useAdmins, useUpdateAdmin, type AdminChange, type AdminSort, type AdminView } from './api';

function AdminName({ admin: a, self }: { admin: AdminView; self: boolean }) {
  return (
    <>
      {a.name}
      {self ? (
        <Text span size="xs" c="dimmed">
          {' '}
          (you)
        </Text>
      ) : null}
    </>
  );
}

function AdminStatus({ admin: a }: { admin: AdminView }) {
  return (
    <Group gap={4} wrap="nowrap">
      <Badge color={a.status === 'active' ? 'green' : 'gray'} variant="light">
        {a.status === 'active' ? 'Active' : 'Disabled'}
      </Badge>
      {a.locked ? (
        <Tooltip label="Too many failed sign-ins. Unlock the admin or wait for the lock-out to end.">
          <Badge color="orange" variant="light" tabIndex={0}>
            Locked
          </Badge>
        </Tooltip>
      ) : null}
    </Group>
  );
}

function LastLogin({ admin: a }: { admin: AdminView }) {
  return a.lastLoginAt ? (
    <DateTime value={a.lastLoginAt} />
  ) : (
    <Text span c="dimmed" size="sm">
      Never
    </Text>
  );
}

type StatusVerb = 'Disable' | 'Enable' | 'Unlock';
type AdminActionHandlers = { onChangeRole(a: AdminView): void; onResetPassword(a: AdminView): void; onSetStatus(a: AdminView, verb: StatusVerb): void };

/** The row's "⋯" menu, in the table and in the narrow-window card. */
function AdminActions({ admin: a, self, onChangeRole, onResetPassword, onSetStatus }: { admin: AdminView; self: boolean } & AdminActionHandlers) {
  return (
    <RowActionsMenu label={`Actions for ${a.email}`}>
      <Menu.Item onClick={() => onChangeRole(a)} disabled={self} title={self ? 'You cannot change your own role.' : undefined}>
        Change role
      </Menu.Item>
      <Menu.Item onClick={() => onResetPassword(a)}>Reset password</Menu.Item>
      {a.locked && a.status === 'active' ? <Menu.Item onClick={() => onSetStatus(a, 'Unlock')}>Unlock</Menu.Item> : null}
      {a.status === 'active' ? (
        <Menu.Item color="red" onClick={() => onSetStatus(a, 'Disable')} disabled={self} title={self ? 'You cannot disable your own account.' : undefined}>
          Disable
        </Menu.Item>
      ) : (
        <Menu.Item onClick={() => onSetStatus(a, 'Enable')}>Enable</Menu.Item>
      )}
    </RowActionsMenu>
  );
}

export function AdminsPage() {
  const { can, session } = useAuth();
  const canEdit = can('Account Settings', 'edit');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const { page, pageSize, setPage, paginator } = usePaging();
  const { sort, order, th } = useSorting<AdminSort>('name', () => setPage(1));
  const [adding, setAdding] = useState(false);
  const [roleFor, setRoleFor] = useState<AdminView | null>(null);
  const [passwordFor, setPasswordFor] = useState<AdminView | null>(null);

  const q = useAdmins({ search: debounced, sort, order, page, pageSize });

  const setStatus = useConfirmAction(
    useUpdateAdmin<{ admin: AdminView; change: AdminChange; verb: StatusVerb }>({
      onSuccess: (a, t) => {
        const verb = t.verb === 'Disable' ? 'disabled' : t.verb === 'Unlock' ? 'unlocked' : 'enabled';
        notifySuccess(`Admin ${verb}`, a.status === 'disabled' ? `${a.email} can no longer sign in.` : `${a.email} can sign in again.`);
      },
    }),
  );

  const actions: AdminActionHandlers | null = canEdit
    ? {
        onChangeRole: setRoleFor,
        onResetPassword: setPasswordFor,
        onSetStatus: (admin, verb) => setStatus.ask({ admin, verb, change: { status: verb === 'Disable' ? 'disabled' : 'active' } }),
      }
    : null;
  const selfId = session?.admin?.id;
  const statusAction = setStatus.target?.verb ?? 'Disable';
  const statusEmail = setStatus.target?.admin.email;

  return (
    <>
      <PageHeader
        title="Admins"
        description="People who can sign in to this organization, and the role that decides what they can see and change."
        actions={canEdit ? <Button onClick={() => setAdding(true)}>Add Admin</Button> : null}
      />
      <ListToolbar readOnlyNote={canEdit ? null : 'Your role can view admins but not change them.'}>
        <TextInput
          label="Search"
          placeholder="Name or email"
          value={search}
          onChange={(e) => {
            setSearch(e.currentTarget.value);
            setPage(1);
          }}
          w={{ base: '100%', xs: 320 }}
        />
      </ListToolbar>
      {q.isLoading ? (
        <Loading label="Loading admins…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title={debounced ? 'No matching admins' : 'No admins yet'}>
          {debounced ? `No admin's name or email contains “${debounced}”.` : 'Add an admin to get started.'}
        </EmptyState>
      ) : (
        <>
          <DataList
            label="Admins"
            items={q.data.items}
            rowKey={(a) => a.id}
            rowTestId={(a) => `admin-row-${a.email}`}
            sorting={th}
            minWidth={820}
            busy={q.isFetching}
            cardCols={2}
            cardTitle={(a) => (
              <Text fw={600} size="sm">
                <AdminName admin={a} self={a.id === selfId} />
              </Text>
            )}
            cardActions={actions ? (a) => <AdminActions admin={a} self={a.id === selfId} {...actions} /> : undefined}
            columns={[
              { header: 'Name', sortField: 'name', cell: (a) => <AdminName admin={a} self={a.id === selfId} />, card: null },
              { header: 'Email', sortField: 'email', cell: (a) => a.email, full: true },
              { header: 'Role', cell: (a) => a.roleName },
              { header: 'Status', cell: (a) => <AdminStatus admin={a} /> },
              { header: 'Last Login', sortField: 'lastLoginAt', cell: (a) => <LastLogin admin={a} /> },
              { header: 'Created', sortField: 'createdAt', cell: (a) => <DateTime value={a.createdAt} /> },
              actions && { header: 'Actions', width: 60, cell: (a) => <AdminActions admin={a} self={a.id === selfId} {...actions} />, card: null },
            ]}
          />
          <Paginator noun="admins" {...paginator} total={q.data.total} />
        </>
      )}
      <AddAdminModal opened={adding} onClose={() => setAdding(false)} />
      <ChangeRoleModal admin={roleFor} onClose={() => setRoleFor(null)} />
      <ResetPasswordModal admin={passwordFor} onClose={() => setPasswordFor(null)} />
      <ConfirmDialog {...setStatus.dialog} title={`${statusAction} admin`} confirmLabel={statusAction} color={statusAction === 'Disable' ? 'red' : 'indigo'}>
        {statusAction === 'Disable'
          ? `Disable ${statusEmail}? They are signed out at once and cannot sign in until an admin enables them again.`
          : statusAction === 'Unlock'
            ? `Unlock ${statusEmail}? They can try signing in again right away.`
            : `Enable ${statusEmail}? They can sign in again with their current password.`}
      </ConfirmDialog>
    </>
  );
}
