import { useState, type FormEvent } from 'react';
import { Button, CloseButton, Group, Paper, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { FormError } from '../../components/forms';
import { usePaging } from '../../components/listState';
import { notifyError, notifySuccess } from '../../components/notify';
import { Paginator } from '../../components/Paginator';
import { useAccountSettings, useAddApprovers, useApprovers, useDeleteApprover, useUpdateApprover, type ApproverView } from './api';

type Row = { key: number; name: string; email: string };
let nextKey = 1;
const blankRow = (): Row => ({ key: nextKey++, name: '', email: '' });

/** Setup > Approvers: inline Name + Email ID rows; "Add More" adds rows, "Save" saves them together; Search; Delete asks first. */
export function ApproversPage() {
  const { can } = useAuth();
  const canEdit = can('Approvers', 'edit');
  const canSeeSettings = can('Account Settings', 'view');
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 250);
  const { page, pageSize, setPage, paginator } = usePaging(25);
  const q = useApprovers({ page, pageSize, search: debounced });
  const settings = useAccountSettings();
  const domains = canSeeSettings ? (settings.data?.approverDomains ?? []) : [];
  const [rows, setRows] = useState<Row[]>([]);
  const [editing, setEditing] = useState<{ id: number; name: string; email: string } | null>(null);

  const add = useAddApprovers({
    onSuccess: (r) => (setRows([]), notifySuccess('Approvers saved', `${r.items.length} approver(s) added.`)),
  });
  const update = useUpdateApprover({
    onSuccess: (a) => (setEditing(null), notifySuccess('Approver saved', `${a.name} <${a.email}> was updated.`)),
    onError: (err) => notifyError('Could not save the approver', err),
  });
  const remove = useConfirmAction(
    useDeleteApprover({
      onSuccess: (_v, a) => notifySuccess('Approver deleted', `${a.name} <${a.email}> is no longer an approver.`),
    }),
  );

  const setRow = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const filled = rows.filter((r) => r.name.trim() || r.email.trim());

  function save(e: FormEvent) {
    e.preventDefault();
    if (!filled.length) return;
    add.mutate(filled.map((r) => ({ name: r.name.trim(), email: r.email.trim() })));
  }

  return (
    <>
      <PageHeader
        title="Approvers"
        description={
          domains.length
            ? `People who can approve escalated incidents. Emails must be in: ${domains.join(', ')} (Account Settings > Approvers Domain Management).`
            : 'People who can approve escalated incidents.'
        }
        actions={
          canEdit ? (
            <Button onClick={() => setRows((rs) => [...rs, blankRow()])} data-testid="add-more-approvers">
              Add More
            </Button>
          ) : null
        }
      />
      {rows.length ? (
        <Paper withBorder p="md" mb="md">
          <form onSubmit={save} noValidate aria-label="New approvers">
            <Stack gap="xs">
              {rows.map((r, i) => (
                <Group key={r.key} align="flex-end" wrap="nowrap">
                  <TextInput
                    label="Name"
                    aria-label={`Name, new row ${i + 1}`}
                    value={r.name}
                    onChange={(e) => setRow(r.key, { name: e.currentTarget.value })}
                    style={{ flex: 1 }}
                    data-autofocus={i === rows.length - 1 || undefined}
                  />
                  <TextInput
                    label="Email ID"
                    aria-label={`Email ID, new row ${i + 1}`}
                    type="email"
                    value={r.email}
                    onChange={(e) => setRow(r.key, { email: e.currentTarget.value })}
                    style={{ flex: 1 }}
                  />
                  <CloseButton aria-label={`Remove new row ${i + 1}`} onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))} mb={6} />
                </Group>
              ))}
              <FormError error={add.error} />
              <Group justify="flex-end">
                <Button variant="default" onClick={() => (setRows([]), add.reset())} disabled={add.isPending}>
                  Cancel
                </Button>
                <Button type="submit" loading={add.isPending} disabled={!filled.length}>
                  Save
                </Button>
              </Group>
            </Stack>
          </form>
        </Paper>
      ) : null}
      <TextInput
        aria-label="Search approvers"
        placeholder="Search by name or email"
        value={search}
        onChange={(e) => (setSearch(e.currentTarget.value), setPage(1))}
        mb="md"
        maw={400}
      />
      {q.isLoading ? (
        <Loading label="Loading approvers…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.total && !debounced ? (
        <EmptyState title="No approvers yet">
          {canEdit ? 'Use "Add More" to add the first approver.' : 'An admin with Edit on Approvers can add approvers.'}
        </EmptyState>
      ) : !q.data?.total ? (
        <EmptyState title="No matching approvers">No approver name or email contains “{debounced}”.</EmptyState>
      ) : (
        <>
          <DataList<ApproverView>
            label="Approvers"
            items={q.data.items}
            rowKey={(a) => a.id}
            rowTestId={(a) => `approver-${a.email}`}
            minWidth={520}
            busy={q.isFetching}
            cardTitle={(a) => a.name}
            columns={[
              {
                header: 'Name',
                cell: (a) =>
                  editing?.id === a.id ? (
                    <TextInput
                      aria-label={`Name of ${a.email}`}
                      value={editing.name}
                      onChange={(e) => setEditing({ ...editing, name: e.currentTarget.value })}
                    />
                  ) : (
                    a.name
                  ),
                card: null,
              },
              {
                header: 'Email ID',
                cell: (a) =>
                  editing?.id === a.id ? (
                    <TextInput
                      aria-label={`Email ID of ${a.name}`}
                      value={editing.email}
                      onChange={(e) => setEditing({ ...editing, email: e.currentTarget.value })}
                    />
                  ) : (
                    a.email
                  ),
              },
              canEdit && {
                header: 'Actions',
                width: 170,
                card: null,
                cell: (a) =>
                  editing?.id === a.id ? (
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        loading={update.isPending}
                        onClick={() => update.mutate({ id: a.id, name: editing.name.trim(), email: editing.email.trim() })}
                      >
                        Save
                      </Button>
                      <Button size="compact-sm" variant="subtle" onClick={() => setEditing(null)}>
                        Cancel
                      </Button>
                    </Group>
                  ) : (
                    <Group gap={4} wrap="nowrap">
                      <Button
                        size="compact-sm"
                        variant="subtle"
                        aria-label={`Edit ${a.name}`}
                        onClick={() => setEditing({ id: a.id, name: a.name, email: a.email })}
                      >
                        Edit
                      </Button>
                      <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete ${a.name}`} onClick={() => remove.ask(a)}>
                        Delete
                      </Button>
                    </Group>
                  ),
              },
            ]}
            cardActions={(a) =>
              canEdit ? (
                <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete ${a.name}`} onClick={() => remove.ask(a)}>
                  Delete
                </Button>
              ) : null
            }
          />
          <Paginator {...paginator} total={q.data.total} noun="approvers" />
        </>
      )}
      <ConfirmDialog {...remove.dialog} title="Delete Approver" confirmLabel="Delete">
        Delete the approver <b>{remove.target?.name}</b> ({remove.target?.email})? Incidents already escalated to them keep their escalation.
      </ConfirmDialog>
      <Text size="xs" c="dimmed" mt="sm">
        Each email may appear once.
      </Text>
    </>
  );
}
