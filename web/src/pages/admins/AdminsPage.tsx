import { useState, type FormEvent } from 'react';
import { Badge, Button, Group, Menu, PasswordInput, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../components/Dialog';
import { get, patch, post } from '../../api/client';
import type { AdminView, Paged } from '../../api/types';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { Paginator } from '../../components/Paginator';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader, errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { RoleSelect } from '../../components/RoleSelect';
import { CardList, RowCard } from '../../components/RowCard';
import { usePaging, useSorting } from '../../components/listState';
import { notifySuccess } from '../../components/notify';
import { ListToolbar, RowActionsMenu, SortableTh, fieldErrors, useNarrow } from '../../components/table';

type SortField = 'name' | 'email' | 'createdAt' | 'lastLoginAt';
const MIN_PASSWORD = 12;

function passwordProblem(pw: string): string | null {
  if (!pw) return 'Password is required.';
  if (pw.length < MIN_PASSWORD) return `Password must be at least ${MIN_PASSWORD} characters.`;
  if (pw.length > 256) return 'Password must be at most 256 characters.';
  return null;
}

function AddAdminModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const qc = useQueryClient();
  const narrow = useNarrow();
  const [form, setForm] = useState({ email: '', name: '', roleId: '', password: '', confirm: '' });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState<string | null>(null);
  const set = (k: keyof typeof form) => (v: string) => setForm((f) => ({ ...f, [k]: v }));

  const create = useMutation({
    mutationFn: () => post<AdminView>('/admins', { email: form.email.trim(), name: form.name.trim(), roleId: Number(form.roleId), password: form.password }),
    onSuccess: (a) => {
      notifySuccess('Admin added', `${a.email} can now sign in with the role ${a.roleName}.`);
      void qc.invalidateQueries({ queryKey: ['admins'] });
      void qc.invalidateQueries({ queryKey: ['roles'] });
      close();
    },
    onError: (err) => {
      setErrors(fieldErrors(err));
      setServerError(errorMessage(err));
    },
  });

  function close() {
    setForm({ email: '', name: '', roleId: '', password: '', confirm: '' });
    setErrors({});
    setServerError(null);
    onClose();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const email = form.email.trim();
    if (!email) errs.email = 'Email is required.';
    else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) errs.email = 'Enter a valid email address, such as jane@example.com.';
    if (!form.name.trim()) errs.name = 'Name is required.';
    if (!form.roleId) errs.roleId = 'Choose a role.';
    const pw = passwordProblem(form.password);
    if (pw) errs.password = pw;
    else if (form.confirm !== form.password) errs.confirm = 'The passwords do not match.';
    setErrors(errs);
    setServerError(null);
    if (Object.keys(errs).length === 0) create.mutate();
  }

  return (
    <Dialog opened={opened} onClose={close} title="Add Admin" fullScreen={narrow} centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <FormError error={serverError} />
          <TextInput
            label="Email"
            type="email"
            required
            autoComplete="off"
            value={form.email}
            onChange={(e) => set('email')(e.currentTarget.value)}
            error={errors.email}
            data-autofocus
          />
          <TextInput label="Name" required value={form.name} onChange={(e) => set('name')(e.currentTarget.value)} error={errors.name} />
          <RoleSelect value={form.roleId} onChange={set('roleId')} error={errors.roleId} />
          <PasswordInput
            label="Initial password"
            description={`At least ${MIN_PASSWORD} characters. Share it with the admin securely.`}
            required
            autoComplete="new-password"
            value={form.password}
            onChange={(e) => set('password')(e.currentTarget.value)}
            error={errors.password}
          />
          <PasswordInput
            label="Confirm password"
            required
            autoComplete="new-password"
            value={form.confirm}
            onChange={(e) => set('confirm')(e.currentTarget.value)}
            error={errors.confirm}
          />
          <FormButtons submitLabel="Add Admin" onCancel={close} busy={create.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}

function ChangeRoleModal({ admin, onClose }: { admin: AdminView | null; onClose(): void }) {
  const qc = useQueryClient();
  const [roleId, setRoleId] = useState('');
  const current = admin ? String(admin.roleId) : '';
  const value = roleId || current;
  const m = useMutation({
    mutationFn: () => patch<AdminView>(`/admins/${admin!.id}`, { roleId: Number(value) }),
    onSuccess: (a) => {
      notifySuccess('Role changed', `${a.email} now has the role ${a.roleName}. Their open sessions were ended.`);
      void qc.invalidateQueries({ queryKey: ['admins'] });
      void qc.invalidateQueries({ queryKey: ['roles'] });
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
          m.mutate();
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

function ResetPasswordModal({ admin, onClose }: { admin: AdminView | null; onClose(): void }) {
  const [pw, setPw] = useState('');
  const [confirm, setConfirm] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const m = useMutation({
    mutationFn: () => patch<AdminView>(`/admins/${admin!.id}`, { password: pw }),
    onSuccess: (a) => {
      notifySuccess('Password reset', `${a.email} must sign in with the new password.`);
      close();
    },
  });
  function close() {
    setPw('');
    setConfirm('');
    setErrors({});
    m.reset();
    onClose();
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    const p = passwordProblem(pw);
    if (p) errs.password = p;
    else if (pw !== confirm) errs.confirm = 'The passwords do not match.';
    setErrors(errs);
    if (!Object.keys(errs).length) m.mutate();
  }
  return (
    <Dialog opened={!!admin} onClose={close} title="Reset Password" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm">
            Set a new password for <b>{admin?.email}</b>. Their open sessions end at once.
          </Text>
          <FormError error={m.error} />
          <PasswordInput
            label="New password"
            description={`At least ${MIN_PASSWORD} characters.`}
            required
            autoComplete="new-password"
            value={pw}
            onChange={(e) => setPw(e.currentTarget.value)}
            error={errors.password}
            data-autofocus
          />
          <PasswordInput
            label="Confirm password"
            required
            autoComplete="new-password"
            value={confirm}
            onChange={(e) => setConfirm(e.currentTarget.value)}
            error={errors.confirm}
          />
          <FormButtons submitLabel="Reset Password" onCancel={close} busy={m.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}

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

/** Phone-width layout: one card per admin instead of a wide table. */
function AdminCards({ admins, selfId, actions }: { admins: AdminView[]; selfId: number | undefined; actions: AdminActionHandlers | null }) {
  return (
    <CardList label="Admins">
      {admins.map((a) => {
        const self = selfId === a.id;
        return (
          <RowCard
            key={a.id}
            testId={`admin-row-${a.email}`}
            cols={2}
            title={
              <Text fw={600} size="sm">
                <AdminName admin={a} self={self} />
              </Text>
            }
            actions={actions ? <AdminActions admin={a} self={self} {...actions} /> : null}
            fields={[
              { label: 'Email', value: a.email, full: true },
              { label: 'Role', value: a.roleName },
              { label: 'Status', value: <AdminStatus admin={a} /> },
              { label: 'Last Login', value: <LastLogin admin={a} /> },
              { label: 'Created', value: <DateTime value={a.createdAt} /> },
            ]}
          />
        );
      })}
    </CardList>
  );
}

export function AdminsPage() {
  const { can, session } = useAuth();
  const canEdit = can('Account Settings', 'edit');
  const narrow = useNarrow();
  const qc = useQueryClient();
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const { page, pageSize, setPage, paginator } = usePaging();
  const { sort, order, th } = useSorting<SortField>('name', () => setPage(1));
  const [adding, setAdding] = useState(false);
  const [roleFor, setRoleFor] = useState<AdminView | null>(null);
  const [passwordFor, setPasswordFor] = useState<AdminView | null>(null);

  const q = useQuery({
    queryKey: ['admins', { search: debounced, sort, order, page, pageSize }],
    queryFn: () => get<Paged<AdminView>>('/admins', { search: debounced, sort, order, page, pageSize }),
    placeholderData: keepPreviousData,
  });

  const setStatus = useConfirmAction({
    mutationFn: (t: { admin: AdminView; verb: StatusVerb }) =>
      patch<AdminView>(`/admins/${t.admin.id}`, { status: t.verb === 'Disable' ? 'disabled' : 'active' }),
    onSuccess: (a, t) => {
      const verb = t.verb === 'Disable' ? 'disabled' : t.verb === 'Unlock' ? 'unlocked' : 'enabled';
      notifySuccess(`Admin ${verb}`, a.status === 'disabled' ? `${a.email} can no longer sign in.` : `${a.email} can sign in again.`);
      void qc.invalidateQueries({ queryKey: ['admins'] });
    },
  });

  const actions: AdminActionHandlers | null = canEdit
    ? { onChangeRole: setRoleFor, onResetPassword: setPasswordFor, onSetStatus: (admin, verb) => setStatus.ask({ admin, verb }) }
    : null;
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
          {narrow ? (
            <AdminCards admins={q.data.items} selfId={session?.admin?.id} actions={actions} />
          ) : (
            <Table.ScrollContainer minWidth={820}>
              <Table striped highlightOnHover aria-label="Admins" aria-busy={q.isFetching}>
                <Table.Thead>
                  <Table.Tr>
                    <SortableTh field="name" {...th}>
                      Name
                    </SortableTh>
                    <SortableTh field="email" {...th}>
                      Email
                    </SortableTh>
                    <Table.Th>Role</Table.Th>
                    <Table.Th>Status</Table.Th>
                    <SortableTh field="lastLoginAt" {...th}>
                      Last Login
                    </SortableTh>
                    <SortableTh field="createdAt" {...th}>
                      Created
                    </SortableTh>
                    {canEdit ? <Table.Th w={60}>Actions</Table.Th> : null}
                  </Table.Tr>
                </Table.Thead>
                <Table.Tbody>
                  {q.data.items.map((a) => {
                    const self = session?.admin?.id === a.id;
                    return (
                      <Table.Tr key={a.id} data-testid={`admin-row-${a.email}`}>
                        <Table.Td>
                          <AdminName admin={a} self={self} />
                        </Table.Td>
                        <Table.Td>{a.email}</Table.Td>
                        <Table.Td>{a.roleName}</Table.Td>
                        <Table.Td>
                          <AdminStatus admin={a} />
                        </Table.Td>
                        <Table.Td>
                          <LastLogin admin={a} />
                        </Table.Td>
                        <Table.Td>
                          <DateTime value={a.createdAt} />
                        </Table.Td>
                        {actions ? (
                          <Table.Td>
                            <AdminActions admin={a} self={self} {...actions} />
                          </Table.Td>
                        ) : null}
                      </Table.Tr>
                    );
                  })}
                </Table.Tbody>
              </Table>
            </Table.ScrollContainer>
          )}
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
