import { useState, type FormEvent } from 'react';
import { ActionIcon, Badge, Button, Group, SegmentedControl, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../components/Dialog';
import { del, patch, post } from '../../api/client';
import { useRoles } from '../../api/queries';
import { CATEGORIES, maxLevel, type Category, type PermissionLevel, type RoleView } from '../../api/types';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { CardList, RowCard } from '../../components/RowCard';
import { fieldErrors, useNarrow } from '../../components/table';
import { IconEye, IconPencil, IconTrash } from '../../components/icons';

const LEVEL_LABEL: Record<PermissionLevel, string> = { none: 'None', view: 'View', edit: 'Edit', delete: 'Delete' };
const LEVEL_COLOR: Record<PermissionLevel, string> = { none: 'gray', view: 'blue', edit: 'green', delete: 'red' };
const BUILTIN_REASON = 'Built-in roles are part of the product and cannot be changed or deleted. Add a custom role instead.';

type Perms = Record<Category, PermissionLevel>;
const noPerms = (): Perms => Object.fromEntries(CATEGORIES.map((c) => [c, 'none'])) as Perms;

function levelsFor(c: Category): PermissionLevel[] {
  return maxLevel(c) === 'delete' ? ['none', 'view', 'edit', 'delete'] : ['none', 'view', 'edit'];
}

function AccessList({ items, total }: { items: string[]; total: number }) {
  if (!items.length)
    return (
      <Text span c="dimmed" size="sm">
        —
      </Text>
    );
  if (items.length === total)
    return (
      <Text span size="sm">
        All categories
      </Text>
    );
  return (
    <Text span size="sm">
      {items.join(', ')}
    </Text>
  );
}

/** The per-category permission picker used by Add Role and Edit Permissions (and read-only by View). */
function PermissionGrid({ value, onChange, readOnly }: { value: Perms; onChange?(v: Perms): void; readOnly?: boolean }) {
  return (
    <Table withTableBorder verticalSpacing={6} aria-label="Permissions">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Category</Table.Th>
          <Table.Th>Permission</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {CATEGORIES.map((c) => (
          <Table.Tr key={c}>
            <Table.Td>
              <Text size="sm" id={`perm-${c.replace(/\W+/g, '-')}`}>
                {c}
              </Text>
            </Table.Td>
            <Table.Td>
              {readOnly ? (
                <Badge color={LEVEL_COLOR[value[c]]} variant="light" data-testid={`level-${c}`}>
                  {LEVEL_LABEL[value[c]]}
                </Badge>
              ) : (
                <SegmentedControl
                  size="xs"
                  role="radiogroup"
                  aria-labelledby={`perm-${c.replace(/\W+/g, '-')}`}
                  name={`perm-${c}`}
                  data-testid={`perm-${c}`}
                  value={value[c]}
                  onChange={(v) => onChange?.({ ...value, [c]: v as PermissionLevel })}
                  data={levelsFor(c).map((l) => ({ value: l, label: LEVEL_LABEL[l] }))}
                />
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** Add Role (role null) or Edit Permissions (a custom role). */
function RoleFormModal({ opened, role, onClose }: { opened: boolean; role: RoleView | null; onClose(): void }) {
  const qc = useQueryClient();
  const narrow = useNarrow();
  const [name, setName] = useState(role?.name ?? '');
  const [perms, setPerms] = useState<Perms>(() => ({ ...noPerms(), ...((role?.permissions as Perms | undefined) ?? {}) }));
  const [nameError, setNameError] = useState<string | null>(null);

  const save = useMutation({
    mutationFn: () =>
      role
        ? patch<RoleView>(`/roles/${role.id}`, { name: name.trim(), permissions: perms })
        : post<RoleView>('/roles', { name: name.trim(), permissions: perms }),
    onSuccess: (r) => {
      notifySuccess(role ? 'Role saved' : 'Role added', role ? `Permissions of ${r.name} were updated.` : `${r.name} can now be given to admins and API keys.`);
      void qc.invalidateQueries({ queryKey: ['roles'] });
      onClose();
    },
    onError: (err) => setNameError(fieldErrors(err).name ?? null),
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const n = name.trim();
    const err = !n ? 'Role name is required.' : n.length > 100 ? 'Role name must be at most 100 characters.' : null;
    setNameError(err);
    if (!err) save.mutate();
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
          <Table.ScrollContainer minWidth={360}>
            <PermissionGrid value={perms} onChange={setPerms} />
          </Table.ScrollContainer>
          <FormButtons submitLabel={role ? 'Save' : 'Add Role'} onCancel={onClose} busy={save.isPending} />
        </Stack>
      </form>
    </Dialog>
  );
}

function ViewPermissionsModal({ role, onClose }: { role: RoleView | null; onClose(): void }) {
  const narrow = useNarrow();
  return (
    <Dialog opened={!!role} onClose={onClose} title="View Permissions" size="lg" fullScreen={narrow} centered={!narrow}>
      {role ? (
        <Stack>
          <Group gap="xs">
            <Text fw={600}>{role.name}</Text>
            {role.builtin ? <Badge variant="outline">Built-in</Badge> : null}
          </Group>
          <Text size="sm" c="dimmed">
            Product: DLP · Assigned to {role.adminCount} admin{role.adminCount === 1 ? '' : 's'}
          </Text>
          <PermissionGrid value={{ ...noPerms(), ...(role.permissions as Perms) }} readOnly />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Dialog>
  );
}

function RoleActions({
  role: r,
  canEdit,
  onView,
  onEdit,
  onDelete,
}: {
  role: RoleView;
  canEdit: boolean;
  onView(r: RoleView): void;
  onEdit(r: RoleView): void;
  onDelete(r: RoleView): void;
}) {
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label="View Permissions">
        <ActionIcon variant="subtle" aria-label={`View permissions of ${r.name}`} onClick={() => onView(r)}>
          <IconEye />
        </ActionIcon>
      </Tooltip>
      {canEdit ? (
        <>
          <Tooltip label={r.builtin ? BUILTIN_REASON : 'Edit Permissions'} multiline w={r.builtin ? 260 : undefined}>
            {/* A disabled button gets no hover/focus events; the wrapper keeps the explanation reachable. */}
            <span tabIndex={r.builtin ? 0 : -1}>
              <ActionIcon variant="subtle" aria-label={`Edit permissions of ${r.name}`} disabled={r.builtin} onClick={() => onEdit(r)}>
                <IconPencil />
              </ActionIcon>
            </span>
          </Tooltip>
          <Tooltip label={r.builtin ? BUILTIN_REASON : 'Delete'} multiline w={r.builtin ? 260 : undefined}>
            <span tabIndex={r.builtin ? 0 : -1}>
              <ActionIcon variant="subtle" color="red" aria-label={`Delete ${r.name}`} disabled={r.builtin} onClick={() => onDelete(r)}>
                <IconTrash />
              </ActionIcon>
            </span>
          </Tooltip>
        </>
      ) : null}
    </Group>
  );
}

/** Phone-width layout: one card per role instead of a wide table. */
function RoleCards({
  roles,
  ...actions
}: {
  roles: RoleView[];
  canEdit: boolean;
  onView(r: RoleView): void;
  onEdit(r: RoleView): void;
  onDelete(r: RoleView): void;
}) {
  return (
    <CardList label="Roles">
      {roles.map((r) => (
        <RowCard
          key={r.id}
          testId={`role-row-${r.name}`}
          title={
            <Stack gap={2}>
              <Text fw={600} size="sm">
                {r.name}
              </Text>
              <Group gap={6}>
                {r.builtin ? (
                  <Badge size="xs" variant="outline">
                    Built-in
                  </Badge>
                ) : null}
                <Text size="xs" c="dimmed">
                  {r.adminCount} admin{r.adminCount === 1 ? '' : 's'}
                </Text>
              </Group>
            </Stack>
          }
          actions={<RoleActions role={r} {...actions} />}
          fields={[
            { label: 'Edit Access', value: <AccessList items={r.editAccess} total={CATEGORIES.length} /> },
            { label: 'View Only Access', value: <AccessList items={r.viewOnlyAccess} total={CATEGORIES.length} /> },
          ]}
        />
      ))}
    </CardList>
  );
}

export function RolesPage() {
  const { can } = useAuth();
  const canEdit = can('Account Settings', 'edit');
  const narrow = useNarrow();
  const qc = useQueryClient();
  const q = useRoles();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<RoleView | null>(null);
  const [viewing, setViewing] = useState<RoleView | null>(null);

  const remove = useConfirmAction({
    mutationFn: (r: RoleView) => del(`/roles/${r.id}`),
    onSuccess: (_v, r) => {
      notifySuccess('Role deleted', `${r.name} was deleted.`);
      void qc.invalidateQueries({ queryKey: ['roles'] });
    },
    onError: (err) => notifyError('Could not delete the role', err),
  });
  const deleting = remove.target;

  return (
    <>
      <PageHeader
        title="Roles"
        description="A role sets None, View or Edit for each category of the product. Every admin and API key has one role."
        actions={canEdit ? <Button onClick={() => setAdding(true)}>Add More</Button> : null}
      />
      {q.isLoading ? (
        <Loading label="Loading roles…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No roles">Add a role to get started.</EmptyState>
      ) : narrow ? (
        <RoleCards roles={q.data.items} canEdit={canEdit} onView={setViewing} onEdit={setEditing} onDelete={remove.ask} />
      ) : (
        <Table.ScrollContainer minWidth={760}>
          <Table striped highlightOnHover aria-label="Roles" verticalSpacing="sm">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={200}>Role</Table.Th>
                <Table.Th>Edit Access</Table.Th>
                <Table.Th>View Only Access</Table.Th>
                <Table.Th w={80}>Admins</Table.Th>
                <Table.Th w={120}>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((r) => (
                <Table.Tr key={r.id} data-testid={`role-row-${r.name}`}>
                  <Table.Td>
                    <Stack gap={2} align="flex-start">
                      <Text size="sm" fw={500}>
                        {r.name}
                      </Text>
                      {r.builtin ? (
                        <Badge size="xs" variant="outline">
                          Built-in
                        </Badge>
                      ) : null}
                    </Stack>
                  </Table.Td>
                  <Table.Td>
                    <AccessList items={r.editAccess} total={CATEGORIES.length} />
                  </Table.Td>
                  <Table.Td>
                    <AccessList items={r.viewOnlyAccess} total={CATEGORIES.length} />
                  </Table.Td>
                  <Table.Td>{r.adminCount}</Table.Td>
                  <Table.Td>
                    <RoleActions role={r} canEdit={canEdit} onView={setViewing} onEdit={setEditing} onDelete={remove.ask} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {adding ? <RoleFormModal opened role={null} onClose={() => setAdding(false)} /> : null}
      {editing ? <RoleFormModal key={editing.id} opened role={editing} onClose={() => setEditing(null)} /> : null}
      <ViewPermissionsModal role={viewing} onClose={() => setViewing(null)} />
      <ConfirmDialog {...remove.dialog} title="Delete role" confirmLabel="Delete">
        Delete the role <b>{deleting?.name}</b>? This cannot be undone.
        {deleting?.adminCount
          ? ` It is assigned to ${deleting.adminCount} admin${deleting.adminCount === 1 ? '' : 's'}, so the server will refuse until they have another role.`
          : ''}
      </ConfirmDialog>
    </>
  );
}
