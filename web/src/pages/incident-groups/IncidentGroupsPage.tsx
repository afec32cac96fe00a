import { useState } from 'react';
import { Link } from 'react-router';
import { Anchor, Badge, Button, Group, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { Paginator } from '../../components/Paginator';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { usePaging, useSorting } from '../../components/listState';
import { notifyError, notifySuccess } from '../../components/notify';
import { ListToolbar } from '../../components/table';
import { GroupModal } from './GroupModal';
import { useDeleteGroup, useGroups, type GroupSort, type GroupView } from './api';

/** Setup > Incident Groups: Type, Name, Description; search, sort and pages; Add / Edit / Delete. */
export function IncidentGroupsPage() {
  const { can } = useAuth();
  const canEdit = can('Incident Group and Mappings', 'edit');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const { page, pageSize, setPage, paginator } = usePaging();
  const { sort, order, th } = useSorting<GroupSort>('name', () => setPage(1));
  const [editing, setEditing] = useState<GroupView | null>(null);
  const [adding, setAdding] = useState(false);
  const q = useGroups({ search: debounced, sort, order, page, pageSize });
  const remove = useConfirmAction(
    useDeleteGroup({
      onSuccess: (_v, g) => notifySuccess('Incident group deleted', `${g.name} was deleted; incidents in it left it.`),
      onError: (err) => notifyError('Could not delete the incident group', err),
    }),
  );

  const actions = (g: GroupView) => (
    <Group gap={4} wrap="nowrap">
      <Button size="compact-sm" variant="subtle" aria-label={`Edit ${g.name}`} onClick={() => setEditing(g)}>
        Edit
      </Button>
      <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete ${g.name}`} onClick={() => askDelete(g)}>
        Delete
      </Button>
    </Group>
  );
  // A group that statements or the default use cannot be deleted (new incidents would silently stop
  // joining it): say so instead of asking.
  const askDelete = (g: GroupView) =>
    g.mappings > 0 || g.isDefault
      ? notifyError(
          'Incident group in use',
          new Error(
            `${g.name} is ${g.isDefault ? 'the default incident group' : `assigned by ${g.mappings} mapping statement${g.mappings === 1 ? '' : 's'}`}. Change that on Incident Group Mappings first.`,
          ),
        )
      : remove.ask(g);
  return (
    <>
      <PageHeader
        title="Incident Groups"
        description={
          <>
            New incidents join groups through{' '}
            <Anchor component={Link} to="/setup/incident-group-mappings" underline="always">
              Incident Group Mappings
            </Anchor>
            ; a group&apos;s priority (
            <Anchor component={Link} to="/setup/priorities" underline="always">
              Priorities
            </Anchor>
            ) sets theirs.
          </>
        }
        actions={canEdit ? <Button onClick={() => setAdding(true)}>Add Incident Group</Button> : null}
      />
      <ListToolbar readOnlyNote={canEdit ? null : 'Your role can view incident groups but not change them.'}>
        <TextInput
          label="Search"
          placeholder="Type, name or description"
          value={search}
          onChange={(e) => (setSearch(e.currentTarget.value), setPage(1))}
          w={{ base: '100%', xs: 320 }}
        />
      </ListToolbar>
      {q.isLoading ? (
        <Loading label="Loading incident groups…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title={debounced ? 'No matching incident groups' : 'No incident groups yet'}>
          {debounced
            ? `No group's type, name or description contains “${debounced}”.`
            : canEdit
              ? 'Use "Add Incident Group" to create the first one.'
              : 'An admin with Edit on Incident Group and Mappings can add groups.'}
        </EmptyState>
      ) : (
        <>
          <DataList<GroupView, GroupSort>
            label="Incident Groups"
            items={q.data.items}
            rowKey={(g) => g.id}
            rowTestId={(g) => `group-${g.name}`}
            sorting={th}
            minWidth={720}
            busy={q.isFetching}
            cardCols={2}
            cardTitle={(g) => (
              <Text fw={600} size="sm">
                {g.name}
              </Text>
            )}
            cardActions={canEdit ? actions : undefined}
            columns={[
              { header: 'Type', sortField: 'type', cell: (g) => g.type },
              {
                header: 'Name',
                sortField: 'name',
                card: null,
                cell: (g) => (
                  <Group gap={6} wrap="nowrap">
                    <Text span size="sm" fw={500}>
                      {g.name}
                    </Text>
                    {g.isDefault ? (
                      <Badge variant="light" color="gray" size="sm">
                        Default
                      </Badge>
                    ) : null}
                  </Group>
                ),
              },
              { header: 'Description', sortField: 'description', cell: (g) => g.description ?? '', maxWidth: 420, full: true },
              { header: 'Priority', cell: (g) => g.priority ?? '—' },
              canEdit && { header: 'Actions', width: 140, card: null, cell: actions },
            ]}
          />
          <Paginator noun="incident groups" {...paginator} total={q.data.total} />
        </>
      )}
      <GroupModal opened={adding || !!editing} group={editing} onClose={() => (setAdding(false), setEditing(null))} />
      <ConfirmDialog {...remove.dialog} title="Delete Incident Group" confirmLabel="Delete">
        Delete {remove.target?.name}? Incidents in it leave the group and keep their priority.
      </ConfirmDialog>
    </>
  );
}
