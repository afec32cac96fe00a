import { useState, type ReactNode } from 'react';
import { Link, useSearchParams } from 'react-router';
import { Anchor, Button, Checkbox, Group, NativeSelect, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { useAuth } from '../../auth';
import { ConfirmDialog } from '../../components/ConfirmDialog';
import { Paginator } from '../../components/Paginator';
import { DataList } from '../../components/DataList';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { usePaging, useSorting } from '../../components/listState';
import { notifyError, notifySuccess } from '../../components/notify';
import { ListToolbar } from '../../components/table';
import {
  TICKET_STATE_LABELS,
  canRetry,
  useRetryTickets,
  useTicketIntegrations,
  useTickets,
  type TicketListParams,
  type TicketSort,
  type TicketState,
  type TicketView,
} from './api';
import { RetryTicketButton, TicketFailure, TicketLink, TicketStatus } from './parts';

/** A `<input type="date">` value (the viewer's calendar day) as the ISO instant its day starts, or ends. */
function dayBound(v: string, end: boolean): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return undefined;
  const [y, m, d] = v.split('-').map(Number) as [number, number, number];
  const t = end ? new Date(y, m - 1, d, 23, 59, 59, 999) : new Date(y, m - 1, d);
  return Number.isNaN(t.getTime()) ? undefined : t.toISOString();
}

function IncidentLink({ t }: { t: TicketView }) {
  return (
    <Anchor component={Link} to={`/incidents/${t.incidentId}`} size="sm" ff="monospace">
      {t.transactionId}
    </Anchor>
  );
}

function Assignee({ t }: { t: TicketView }) {
  return (
    <>
      <Text size="sm">{t.assignee.name}</Text>
      {t.assignee.email ? (
        <Text size="xs" c="dimmed">
          {t.assignee.email}
        </Text>
      ) : null}
    </>
  );
}

/** Status, then why it failed (or is stuck) with Retry. */
function StatusCell({ t, canEdit }: { t: TicketView; canEdit: boolean }) {
  return (
    <Group gap={6} align="flex-start" wrap="wrap">
      <TicketStatus ticket={t} />
      <TicketFailure ticket={t} />
      {canEdit && canRetry(t) ? <RetryTicketButton ticket={t} /> : null}
    </Group>
  );
}

/**
 * Setup-free overview of every ticket across incidents (issue 15 item 5): filters, search by ticket
 * id or transaction id, sorting, pages, and Retry for failed or stuck ones, one or several at once.
 */
export function TicketsPage() {
  const { can } = useAuth();
  const canEdit = can('Incidents', 'edit');
  // Filters can arrive in the address (e.g. /tickets?state=failed from a link), then live in the page.
  const [initial] = useSearchParams();
  const [search, setSearch] = useState(initial.get('search') ?? '');
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const [assignee, setAssignee] = useState('');
  const [debouncedAssignee] = useDebouncedValue(assignee.trim(), 300);
  const [integrationId, setIntegrationId] = useState(/^\d+$/.test(initial.get('integrationId') ?? '') ? initial.get('integrationId')! : '');
  const [state, setState] = useState<TicketState | ''>(() => {
    const s = initial.get('state');
    return s && s in TICKET_STATE_LABELS ? (s as TicketState) : '';
  });
  const [fromDay, setFromDay] = useState('');
  const [toDay, setToDay] = useState('');
  const { page, pageSize, setPage, paginator } = usePaging();
  const { sort, order, th } = useSorting<TicketSort>('createdAt', () => setPage(1), 'desc');
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [confirming, setConfirming] = useState(false);

  // The integration filter's choices; admins who cannot see integrations filter by the names in the list instead.
  const integrations = useTicketIntegrations(can('Integrations', 'view'));

  const from = dayBound(fromDay, false);
  const to = dayBound(toDay, true);
  const rangeError = from && to && from > to ? 'The start date must be on or before the end date.' : null;
  const params: TicketListParams = {
    search: debounced || undefined,
    assignee: debouncedAssignee || undefined,
    integrationId: integrationId ? Number(integrationId) : undefined,
    state: state || undefined,
    from,
    to,
    sort,
    order,
    page,
    pageSize,
  };
  const q = useTickets(params, !rangeError);

  const bulk = useRetryTickets({
    onSuccess: (r) => {
      const refused = r.results.filter((x) => !x.ok);
      if (refused.length)
        notifyError(
          `${r.succeeded} retried, ${r.failed} refused`,
          new Error(
            refused
              .map((x) => `#${x.id}: ${x.error?.message ?? 'refused'}`)
              .slice(0, 3)
              .join(' '),
          ),
        );
      else notifySuccess('Retrying', `${r.succeeded} ticket${r.succeeded === 1 ? ' is' : 's are'} being created again.`);
      setSelected(new Set());
      setConfirming(false);
    },
  });

  const resetPage =
    <T,>(fn: (v: T) => void) =>
    (v: T) => {
      fn(v);
      setPage(1);
      setSelected(new Set());
    };
  const items = q.data?.items ?? [];
  const retryable = items.filter(canRetry);
  const allOnPage = retryable.length > 0 && retryable.every((t) => selected.has(t.id));
  const filtered = !!(debounced || debouncedAssignee || integrationId || state || from || to);
  const toggle = (id: number) =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  const selectBox = (t: TicketView): ReactNode =>
    canEdit && canRetry(t) ? (
      <Checkbox
        aria-label={`Select the ticket of incident ${t.transactionId} on ${t.integration.name}`}
        checked={selected.has(t.id)}
        onChange={() => toggle(t.id)}
      />
    ) : null;

  return (
    <>
      <PageHeader
        title="Tickets"
        description="Every ServiceNow and Jira Cloud ticket requested from an incident, with its live status. Times are in your time zone."
      />
      <ListToolbar readOnlyNote={canEdit ? null : 'Your role can view tickets but not retry them.'}>
        <TextInput
          label="Search"
          placeholder="Ticket ID or transaction ID"
          value={search}
          onChange={(e) => resetPage(setSearch)(e.currentTarget.value)}
          w={{ base: '100%', xs: 200 }}
        />
        <NativeSelect
          label="Integration"
          value={integrationId}
          onChange={(e) => resetPage(setIntegrationId)(e.currentTarget.value)}
          data={[
            { value: '', label: 'All integrations' },
            ...(integrations.data?.items ?? []).map((i) => ({ value: String(i.id), label: `${i.name} (${i.typeLabel})` })),
          ]}
          disabled={!integrations.data}
        />
        <NativeSelect
          label="Status"
          value={state}
          onChange={(e) => resetPage(setState)(e.currentTarget.value as TicketState | '')}
          data={[
            { value: '', label: 'All statuses' },
            ...(Object.keys(TICKET_STATE_LABELS) as TicketState[]).map((s) => ({ value: s, label: TICKET_STATE_LABELS[s].label.replace('…', '') })),
          ]}
        />
        <TextInput
          label="Assignee"
          placeholder="Email"
          value={assignee}
          onChange={(e) => resetPage(setAssignee)(e.currentTarget.value)}
          w={{ base: '100%', xs: 150 }}
        />
        <TextInput label="From" type="date" value={fromDay} onChange={(e) => resetPage(setFromDay)(e.currentTarget.value)} error={rangeError} />
        <TextInput label="To" type="date" value={toDay} onChange={(e) => resetPage(setToDay)(e.currentTarget.value)} />
        {canEdit && selected.size ? (
          <Button variant="light" color="orange" onClick={() => setConfirming(true)}>
            Retry selected ({selected.size})
          </Button>
        ) : null}
      </ListToolbar>
      {rangeError ? null : q.isLoading ? (
        <Loading label="Loading tickets…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !items.length ? (
        <EmptyState title={filtered ? 'No matching tickets' : 'No tickets yet'}>
          {filtered ? 'No ticket matches these filters.' : 'Open an incident and choose Actions › Ticket to create one in ServiceNow or Jira Cloud.'}
        </EmptyState>
      ) : (
        <>
          <DataList
            label="Tickets"
            items={items}
            rowKey={(t) => t.id}
            rowTestId={(t) => `ticket-row-${t.id}`}
            sorting={th}
            minWidth={1000}
            busy={q.isFetching}
            cardCols={2}
            cardTitle={(t) => (
              <Group gap="xs" wrap="nowrap">
                {selectBox(t)}
                <TicketLink ticket={t} />
              </Group>
            )}
            columns={[
              canEdit && {
                header: 'Select',
                headerNode: (
                  <Checkbox
                    aria-label="Select every failed or stuck ticket on this page"
                    disabled={!retryable.length}
                    checked={allOnPage}
                    indeterminate={!allOnPage && retryable.some((t) => selected.has(t.id))}
                    onChange={() =>
                      setSelected((s) => {
                        const n = new Set(s);
                        for (const t of retryable)
                          if (allOnPage) n.delete(t.id);
                          else n.add(t.id);
                        return n;
                      })
                    }
                  />
                ),
                width: 40,
                cell: selectBox,
                card: null,
              },
              { header: 'Ticket ID', sortField: 'ticketKey', cell: (t) => <TicketLink ticket={t} />, card: null },
              { header: 'Incident', cell: (t) => <IncidentLink t={t} /> },
              {
                header: 'Integration',
                cell: (t) => (
                  <>
                    <Text size="sm">{t.integration.name}</Text>
                    <Text size="xs" c="dimmed">
                      {t.integration.typeLabel}
                    </Text>
                  </>
                ),
                card: (t) => t.integration.name,
              },
              { header: 'Project', cell: (t) => (t.project ? t.project.key : '—') },
              { header: 'Status', sortField: 'state', cell: (t) => <StatusCell t={t} canEdit={canEdit} />, maxWidth: 360, full: true },
              { header: 'Assignee', cell: (t) => <Assignee t={t} /> },
              { header: 'Created', sortField: 'createdAt', cell: (t) => <DateTime value={t.createdAt} /> },
              { header: 'Updated', sortField: 'updatedAt', cell: (t) => <DateTime value={t.updatedAt} />, card: null },
              { header: 'Last Synced', cell: (t) => <DateTime value={t.lastSyncedAt} /> },
            ]}
          />
          <Paginator noun="tickets" {...paginator} total={q.data?.total ?? 0} />
        </>
      )}
      <ConfirmDialog
        opened={confirming}
        title="Retry tickets"
        confirmLabel="Retry"
        color="orange"
        busy={bulk.isPending}
        error={bulk.error}
        onConfirm={() => bulk.mutate([...selected])}
        onClose={() => {
          setConfirming(false);
          bulk.reset();
        }}
      >
        Retry {selected.size} ticket{selected.size === 1 ? '' : 's'}? Each is created again in its ticketing system; one that already exists there is found by
        its marker and not created twice.
      </ConfirmDialog>
    </>
  );
}
