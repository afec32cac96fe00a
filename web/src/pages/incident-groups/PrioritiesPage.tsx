import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Button, Group, Select, Text, TextInput } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { PRIORITY_CHOICES, useDeletePriority, usePriorities, useSavePriorities, type PriorityList } from './api';

type Priority = (typeof PRIORITY_CHOICES)[number];
/** A row being edited: a saved one (`saved`) or one added with "Add More". */
type Row = { key: number; groupId: string | null; priority: Priority | null; saved: boolean };
let nextKey = 1;
const rowsOf = (d: PriorityList | undefined): Row[] =>
  (d?.items ?? []).map((p) => ({ key: nextKey++, groupId: String(p.groupId), priority: p.priority, saved: true }));

/** Setup > Priorities: Incident Group + Priority rows; "Add More", Save, Search, Delete. A new incident's priority is the highest of its groups'. */
export function PrioritiesPage() {
  const { can } = useAuth();
  const canEdit = can('Priorities', 'edit');
  const q = usePriorities();
  const [rows, setRows] = useState<Row[]>([]);
  const [search, setSearch] = useState('');
  const [localError, setLocalError] = useState<string | null>(null);
  useEffect(() => setRows(rowsOf(q.data)), [q.data]);

  const groupName = useMemo(() => new Map((q.data?.groups ?? []).map((g) => [String(g.id), g.name])), [q.data]);
  const save = useSavePriorities({
    onSuccess: (r) =>
      notifySuccess(
        'Priorities saved',
        `${r.items.length} incident group${r.items.length === 1 ? ' has' : 's have'} a priority. New incidents get the highest of their groups'.`,
      ),
    onError: (err) => notifyError('Could not save the priorities', err),
  });
  const remove = useConfirmAction(
    useDeletePriority({
      onSuccess: (_v, p) => notifySuccess('Priority deleted', `${p.groupName} no longer sets a priority.`),
      onError: (err) => notifyError('Could not delete the priority', err),
    }),
  );

  const setRow = (key: number, patch: Partial<Row>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const dirty = JSON.stringify(rows.map((r) => [r.groupId, r.priority])) !== JSON.stringify(rowsOf(q.data).map((r) => [r.groupId, r.priority]));

  function submit(e: FormEvent) {
    e.preventDefault();
    setLocalError(null);
    const incomplete = rows.findIndex((r) => !r.groupId || !r.priority);
    if (incomplete >= 0) return setLocalError(`Row ${incomplete + 1}: pick an Incident Group and a Priority, or delete the row.`);
    const seen = new Set<string>();
    for (const [i, r] of rows.entries()) {
      if (seen.has(r.groupId!)) return setLocalError(`Row ${i + 1}: ${groupName.get(r.groupId!)} already has a priority above; keep one row per group.`);
      seen.add(r.groupId!);
    }
    save.mutate({ items: rows.map((r) => ({ groupId: Number(r.groupId), priority: r.priority! })) });
  }

  const needle = search.trim().toLowerCase();
  const shown = needle
    ? rows.filter((r) => (groupName.get(r.groupId ?? '') ?? '').toLowerCase().includes(needle) || r.priority?.toLowerCase().includes(needle))
    : rows;
  const groupChoices = (q.data?.groups ?? []).map((g) => ({ value: String(g.id), label: `${g.name} (${g.type})` }));
  return (
    <>
      <PageHeader
        title="Priorities"
        description="A new incident's priority is the highest priority of its incident groups; incidents whose groups have none keep the priority they were reported with."
        actions={
          canEdit ? (
            <Button onClick={() => setRows((rs) => [...rs, { key: nextKey++, groupId: null, priority: null, saved: false }])} data-testid="add-more-priorities">
              Add More
            </Button>
          ) : null
        }
      />
      <TextInput
        aria-label="Search priorities"
        placeholder="Search by incident group or priority"
        value={search}
        onChange={(e) => setSearch(e.currentTarget.value)}
        mb="md"
        maw={400}
      />
      {q.isLoading ? (
        <Loading label="Loading priorities…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !rows.length ? (
        <EmptyState title="No priorities yet">
          {!q.data?.groups.length
            ? 'Add incident groups on Setup > Incident Groups first.'
            : canEdit
              ? 'Use "Add More" to give an incident group a priority.'
              : 'An admin with Edit on Priorities can set them.'}
        </EmptyState>
      ) : (
        <form onSubmit={submit} noValidate aria-label="Priorities">
          <FormError error={localError} />
          {!shown.length ? (
            <EmptyState title="No matching priorities">No incident group or priority contains “{search.trim()}”.</EmptyState>
          ) : (
            <DataList<Row>
              label="Priorities"
              items={shown}
              rowKey={(r) => r.key}
              rowTestId={(r) => `priority-row-${rows.indexOf(r) + 1}`}
              minWidth={520}
              cardTitle={(r) => groupName.get(r.groupId ?? '') ?? 'New row'}
              columns={[
                {
                  header: 'Incident Group',
                  cell: (r) =>
                    canEdit ? (
                      <Select
                        aria-label={`Incident Group, row ${rows.indexOf(r) + 1}`}
                        searchable
                        data={groupChoices}
                        value={r.groupId}
                        onChange={(v) => setRow(r.key, { groupId: v })}
                        placeholder="Pick an incident group"
                        nothingFoundMessage="No such incident group"
                      />
                    ) : (
                      groupName.get(r.groupId ?? '')
                    ),
                },
                {
                  header: 'Priority',
                  cell: (r) =>
                    canEdit ? (
                      <Select
                        aria-label={`Priority, row ${rows.indexOf(r) + 1}`}
                        data={[...PRIORITY_CHOICES]}
                        value={r.priority}
                        onChange={(v) => setRow(r.key, { priority: v as Priority | null })}
                        placeholder="Pick a priority"
                      />
                    ) : (
                      r.priority
                    ),
                },
                canEdit && {
                  header: 'Actions',
                  width: 100,
                  card: null,
                  cell: (r) => (
                    <Button
                      size="compact-sm"
                      variant="subtle"
                      color="red"
                      aria-label={`Delete row ${rows.indexOf(r) + 1}`}
                      onClick={() =>
                        r.saved && r.groupId && q.data?.items.some((p) => String(p.groupId) === r.groupId)
                          ? remove.ask({ groupId: Number(r.groupId), groupName: groupName.get(r.groupId) ?? '' })
                          : setRows((rs) => rs.filter((x) => x.key !== r.key))
                      }
                    >
                      Delete
                    </Button>
                  ),
                },
              ]}
            />
          )}
          {canEdit ? (
            <Group justify="flex-end" mt="md">
              <Button variant="default" onClick={() => (setRows(rowsOf(q.data)), setLocalError(null))} disabled={!dirty || save.isPending}>
                Cancel
              </Button>
              <Button type="submit" loading={save.isPending} disabled={!dirty}>
                Save
              </Button>
            </Group>
          ) : null}
        </form>
      )}
      <Text size="xs" c="dimmed" mt="sm">
        Changes apply to incidents ingested from now on.
      </Text>
      <ConfirmDialog {...remove.dialog} title="Delete Priority" confirmLabel="Delete">
        Delete the priority of <b>{remove.target?.groupName}</b>? New incidents in it take their priority from their other groups, or keep the one they were
        reported with.
      </ConfirmDialog>
    </>
  );
}
