import { useState } from 'react';
import { Badge, Button, Checkbox, Group, Menu, NativeSelect, Text, TextInput, Tooltip } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { notifications } from '@mantine/notifications';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { Paginator } from '../../components/Paginator';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { usePaging, useSorting } from '../../components/listState';
import { notifyError, notifySuccess } from '../../components/notify';
import { ListToolbar, RowActionsMenu } from '../../components/table';
import { AddUserModal } from './AddUserModal';
import { ImportModal } from './ImportModal';
import {
  STATUS_BADGE,
  SYSTEMS,
  exportUrl,
  systemNames,
  useIntegrationUsers,
  useRemoveIntegrationUser,
  useUserIntegrations,
  useVerifyIntegrationUser,
  useVerifyIntegrationUsers,
  type SortField,
  type UserStatus,
  type UserView,
} from './api';

function StatusBadge({ u }: { u: UserView }) {
  const b = STATUS_BADGE[u.status];
  const help = u.lastVerifyError ?? b.help;
  return (
    <Group gap={4} wrap="nowrap">
      <Tooltip label={help} multiline w={280}>
        <Badge color={b.color} variant="light" tabIndex={0} aria-label={`${b.label}: ${help}`}>
          {b.label}
        </Badge>
      </Tooltip>
      {u.lastVerifyError && u.status !== 'unverified' ? (
        <Tooltip label={u.lastVerifyError} multiline w={280}>
          <Badge color="gray" variant="outline" tabIndex={0} aria-label={`Last check failed: ${u.lastVerifyError}`}>
            Check failed
          </Badge>
        </Tooltip>
      ) : null}
    </Group>
  );
}

export function IntegrationUsersPage() {
  const { can } = useAuth();
  const canEdit = can('Integrations', 'edit');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [integrationId, setIntegrationId] = useState('');
  const [type, setType] = useState('');
  const [status, setStatus] = useState('');
  const { page, pageSize, setPage, paginator } = usePaging();
  const { sort, order, th } = useSorting<SortField>('name', () => setPage(1));
  const [adding, setAdding] = useState(false);
  const [importing, setImporting] = useState(false);
  const [selected, setSelected] = useState<Set<number>>(new Set());

  const integrations = useUserIntegrations();
  const filters = { search: debounced, integrationId: integrationId || undefined, type: type || undefined, status: status || undefined, sort, order };
  // Moving to the next or previous page hands back that page's cursor, so a deep page is read
  // from where the last one ended instead of counting every row in front of it. A jump to another
  // page number, or any change of filters, sort or page size, reads by number.
  const listKey = JSON.stringify({ ...filters, pageSize });
  const [step, setStep] = useState<{ page: number; listKey: string; cursor: string } | null>(null);
  const cursor = step && step.page === page && step.listKey === listKey ? step.cursor : undefined;
  const q = useIntegrationUsers({ ...filters, page, pageSize, cursor });
  const onPageChange = (p: number) => {
    const shown = q.data && q.data.page === page ? q.data : undefined;
    const next = p === page + 1 ? shown?.nextCursor : p === page - 1 ? shown?.prevCursor : null;
    setStep(next ? { page: p, listKey, cursor: next } : null);
    setPage(p);
  };

  const verifyOne = useVerifyIntegrationUser({
    onSuccess: (r) => {
      notifications.show({
        color: r.result === 'active' ? 'green' : r.result === 'error' ? 'red' : 'orange',
        title: r.result === 'error' ? 'Could not verify' : 'Verified',
        message: r.message,
      });
    },
    onError: (err) => notifyError('Could not verify', err),
  });
  const verifyMany = useVerifyIntegrationUsers({
    onSuccess: (r) => {
      const s = r.summary;
      const parts = [
        `${s.active} active`,
        s.inactive ? `${s.inactive} inactive` : '',
        s.deleted_in_system ? `${s.deleted_in_system} deleted in the system` : '',
        s.unverified ? `${s.unverified} unverified` : '',
        s.error ? `${s.error} could not be checked` : '',
      ]
        .filter(Boolean)
        .join(', ');
      notifications.show({
        color: s.error ? 'orange' : 'green',
        title: `Verified ${r.items.length} integration user${r.items.length === 1 ? '' : 's'}`,
        message: `${parts}. ${s.changed} changed.`,
      });
      setSelected(new Set());
    },
    onError: (err) => notifyError('Could not verify', err),
  });
  const remove = useConfirmAction(
    useRemoveIntegrationUser({
      onSuccess: (_r, u) => {
        notifySuccess('Integration user removed', `${u.name} (${u.email}) can no longer be picked for new tickets. Existing tickets keep their assignee.`);
        setSelected((s) => {
          const n = new Set(s);
          n.delete(u.id);
          return n;
        });
      },
    }),
  );
  const removing = remove.target;

  const resetPage =
    <T,>(fn: (v: T) => void) =>
    (v: T) => {
      fn(v);
      setPage(1);
    };
  const items = q.data?.items ?? [];
  const allOnPage = items.length > 0 && items.every((u) => selected.has(u.id));
  const filtered = !!(debounced || integrationId || type || status);
  const integrationList = integrations.data?.items ?? [];
  const selectBox = (u: UserView) => (
    <Checkbox
      aria-label={`Select ${u.email} (${u.integration})`}
      checked={selected.has(u.id)}
      onChange={() =>
        setSelected((s) => {
          const n = new Set(s);
          n.has(u.id) ? n.delete(u.id) : n.add(u.id);
          return n;
        })
      }
    />
  );
  const rowActions = (u: UserView) => (
    <RowActionsMenu label={`Actions for ${u.email} (${u.integration})`} loading={verifyOne.isPending && verifyOne.variables?.id === u.id}>
      <Menu.Item onClick={() => verifyOne.mutate(u)}>Verify now</Menu.Item>
      <Menu.Item color="red" onClick={() => remove.ask(u)}>
        Remove
      </Menu.Item>
    </RowActionsMenu>
  );

  return (
    <>
      <PageHeader
        title="Integration Users"
        description={`The people tickets can be assigned to in ${systemNames('and')}. Everyone listed here exists in the selected ticketing system.`}
        actions={
          <>
            <Button component="a" variant="default" href={exportUrl(filters)} download>
              Export CSV
            </Button>
            {canEdit ? (
              <>
                <Button variant="default" onClick={() => setImporting(true)}>
                  Import CSV
                </Button>
                <Button onClick={() => setAdding(true)}>Add More</Button>
              </>
            ) : null}
          </>
        }
      />
      <ListToolbar readOnlyNote={canEdit ? null : 'Your role can view integration users but not change them.'}>
        <TextInput
          label="Search"
          placeholder="Name or email"
          value={search}
          onChange={(e) => resetPage(setSearch)(e.currentTarget.value)}
          w={{ base: '100%', xs: 260 }}
        />
        <NativeSelect
          label="Integration"
          value={integrationId}
          onChange={(e) => resetPage(setIntegrationId)(e.currentTarget.value)}
          data={[{ value: '', label: 'All integrations' }, ...integrationList.map((i) => ({ value: String(i.id), label: i.name }))]}
        />
        <NativeSelect
          label="Integration Type"
          value={type}
          onChange={(e) => resetPage(setType)(e.currentTarget.value)}
          data={[{ value: '', label: 'All types' }, ...SYSTEMS.map((d) => ({ value: d.type, label: d.label }))]}
        />
        <NativeSelect
          label="Status"
          value={status}
          onChange={(e) => resetPage(setStatus)(e.currentTarget.value)}
          data={[{ value: '', label: 'All statuses' }, ...(Object.keys(STATUS_BADGE) as UserStatus[]).map((s) => ({ value: s, label: STATUS_BADGE[s].label }))]}
        />
        {canEdit && selected.size ? (
          <Button variant="light" onClick={() => verifyMany.mutate([...selected])} loading={verifyMany.isPending}>
            Verify selected ({selected.size})
          </Button>
        ) : null}
      </ListToolbar>
      {q.isLoading ? (
        <Loading label="Loading integration users…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !items.length ? (
        <EmptyState title={filtered ? 'No matching integration users' : 'No integration users yet'}>
          {filtered
            ? 'Nobody matches these filters.'
            : canEdit
              ? 'Click Add More to add the first person tickets can be assigned to.'
              : 'An admin with Edit access to Integrations can add them.'}
        </EmptyState>
      ) : (
        <>
          <DataList
            label="Integration Users"
            items={items}
            rowKey={(u) => u.id}
            rowTestId={(u) => `integration-user-row-${u.email.toLowerCase()}-${u.integrationId}`}
            sorting={th}
            minWidth={900}
            busy={q.isFetching}
            cardCols={2}
            cardTitle={(u) => (
              <Group gap="xs" wrap="nowrap">
                {canEdit ? selectBox(u) : null}
                <Text fw={600} size="sm">
                  {u.name}
                </Text>
              </Group>
            )}
            cardActions={canEdit ? rowActions : undefined}
            columns={[
              canEdit && {
                header: 'Select',
                headerNode: (
                  <Checkbox
                    aria-label="Select all on this page"
                    checked={allOnPage}
                    indeterminate={!allOnPage && items.some((u) => selected.has(u.id))}
                    onChange={() =>
                      setSelected((s) => {
                        const n = new Set(s);
                        for (const u of items) allOnPage ? n.delete(u.id) : n.add(u.id);
                        return n;
                      })
                    }
                  />
                ),
                width: 40,
                cell: selectBox,
                card: null,
              },
              { header: 'Name', sortField: 'name', cell: (u) => u.name, card: null },
              { header: 'Email ID', sortField: 'email', cell: (u) => u.email, full: true },
              { header: 'Integration Type', sortField: 'integrationType', cell: (u) => u.integrationTypeLabel },
              { header: 'Integration', sortField: 'integration', cell: (u) => u.integration },
              { header: 'Status', sortField: 'status', cell: (u) => <StatusBadge u={u} />, full: true },
              {
                header: 'Last Verified',
                sortField: 'lastVerifiedAt',
                cell: (u) =>
                  u.lastVerifiedAt ? (
                    <DateTime value={u.lastVerifiedAt} />
                  ) : (
                    <Text span c="dimmed" size="sm">
                      Never
                    </Text>
                  ),
              },
              canEdit && { header: 'Actions', width: 60, cell: rowActions, card: null },
            ]}
          />
          <Paginator noun="integration users" {...paginator} onPageChange={onPageChange} total={q.data?.total ?? 0} />
        </>
      )}
      <AddUserModal opened={adding} onClose={() => setAdding(false)} integrations={integrationList} integrationsLoading={integrations.isLoading} />
      <ImportModal opened={importing} onClose={() => setImporting(false)} />
      <ConfirmDialog {...remove.dialog} title="Remove integration user" confirmLabel="Remove">
        Remove {removing?.name} ({removing?.email}) of {removing?.integration}? They can no longer be picked for new tickets. Tickets already assigned to them
        keep their assignee.
      </ConfirmDialog>
    </>
  );
}
