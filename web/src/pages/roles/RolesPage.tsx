import { useState } from 'react';
import { ActionIcon, Badge, Button, Group, Stack, Text, Tooltip } from '@mantine/core';
import { CATEGORIES } from '../../api/types';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { IconEye, IconPencil, IconTrash } from '../../components/icons';
import { notifyError, notifySuccess } from '../../components/notify';
import { RoleFormModal } from './RoleFormModal';
import { ViewPermissionsModal } from './ViewPermissionsModal';
import { useDeleteRole, useRoles, type RoleView } from './api';
import { BUILTIN_REASON } from './permissions';

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

export function RolesPage() {
  const { can } = useAuth();
  const canEdit = can('Account Settings', 'edit');
  const q = useRoles();
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<RoleView | null>(null);
  const [viewing, setViewing] = useState<RoleView | null>(null);

  const remove = useConfirmAction(
    useDeleteRole({
      onSuccess: (_v, r) => notifySuccess('Role deleted', `${r.name} was deleted.`),
      onError: (err) => notifyError('Could not delete the role', err),
    }),
  );
  const roleActions = (r: RoleView) => <RoleActions role={r} canEdit={canEdit} onView={setViewing} onEdit={setEditing} onDelete={remove.ask} />;
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
      ) : (
        <DataList
          label="Roles"
          items={q.data.items}
          rowKey={(r) => r.id}
          rowTestId={(r) => `role-row-${r.name}`}
          minWidth={760}
          verticalSpacing="sm"
          cardTitle={(r) => (
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
          )}
          cardActions={roleActions}
          columns={[
            {
              header: 'Role',
              width: 200,
              card: null,
              cell: (r) => (
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
              ),
            },
            { header: 'Edit Access', cell: (r) => <AccessList items={r.editAccess} total={CATEGORIES.length} /> },
            { header: 'View Only Access', cell: (r) => <AccessList items={r.viewOnlyAccess} total={CATEGORIES.length} /> },
            { header: 'Admins', width: 80, cell: (r) => r.adminCount, card: null },
            { header: 'Actions', width: 120, cell: roleActions, card: null },
          ]}
        />
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
