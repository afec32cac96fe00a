import { useMemo, useState, type FormEvent } from 'react';
import { ActionIcon, Alert, Button, Group, NativeSelect, SimpleGrid, Text, TextInput, Tooltip } from '@mantine/core';
import { ActionBadge } from './ActionBadge';
import { ChangeModal } from './ChangeModal';
import { useAuditFacets, useAuditLogs, type AuditEntry } from './api';
import { Paginator } from '../../components/Paginator';
import { usePaging } from '../../components/listState';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { DataList } from '../../components/DataList';
import { IconEye } from '../../components/icons';

type Preset = '24h' | '7d' | '30d' | 'custom';
const PRESETS: { value: Preset; label: string; ms?: number }[] = [
  { value: '24h', label: 'Last 24 Hours', ms: 24 * 3600_000 },
  { value: '7d', label: 'Last 7 Days', ms: 7 * 24 * 3600_000 },
  { value: '30d', label: 'Last 30 Days', ms: 30 * 24 * 3600_000 },
  { value: 'custom', label: 'Custom range' },
];

/** `<input type="datetime-local">` value (local time, no zone) for a Date. */
function toLocalInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/**
 * A datetime-local value (the viewer's local time) as ISO UTC. With `endOfMinute` an end bound
 * without seconds covers its whole minute, so "To: now" includes what happened this minute.
 */
function localToIso(v: string, endOfMinute = false): string | null {
  if (!v) return null;
  const d = new Date(v); // datetime-local strings parse as the viewer's local time
  if (Number.isNaN(d.getTime())) return null;
  if (endOfMinute && /T\d{2}:\d{2}$/.test(v)) d.setSeconds(59, 999);
  return d.toISOString();
}

type Filters = { preset: Preset; customFrom: string; customTo: string; adminId: string; action: string; module: string; resource: string; search: string };
const DEFAULT_FILTERS: Filters = { preset: '7d', customFrom: '', customTo: '', adminId: '', action: '', module: '', resource: '', search: '' };

/** The admin's ID (their name on hover), or who made the change when no admin did (e.g. an API key). */
function AdminId({ entry: e }: { entry: AuditEntry }) {
  return (
    <>
      <Tooltip label={e.actor} disabled={!e.actor}>
        <Text span size="sm">
          {e.adminId ?? ''}
        </Text>
      </Tooltip>
      {e.adminId === null ? (
        <Text span size="xs" c="dimmed">
          {e.actor}
        </Text>
      ) : null}
    </>
  );
}

function ViewChangeButton({ entry: e, onView }: { entry: AuditEntry; onView(e: AuditEntry): void }) {
  return (
    <Tooltip label="View change">
      <ActionIcon variant="subtle" aria-label={`View change: ${e.changeNotes}`} onClick={() => onView(e)}>
        <IconEye />
      </ActionIcon>
    </Tooltip>
  );
}

export function AuditLogsPage() {
  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS);
  const [searchText, setSearchText] = useState('');
  // The moment the relative range is measured from; refreshed by Search and Reset.
  const [anchor, setAnchor] = useState(() => Date.now());
  const { page, pageSize, setPage, paginator } = usePaging();
  const [viewing, setViewing] = useState<AuditEntry | null>(null);

  const setFilter = <K extends keyof Filters>(k: K, v: Filters[K]) => {
    setFilters((f) => {
      const next = { ...f, [k]: v };
      if (k === 'preset' && v === 'custom' && !f.customFrom) {
        next.customFrom = toLocalInput(new Date(Date.now() - 24 * 3600_000));
        next.customTo = toLocalInput(new Date());
      }
      return next;
    });
    setPage(1);
  };

  const range = useMemo((): { from?: string; to?: string; error?: string } => {
    if (filters.preset !== 'custom') {
      const ms = PRESETS.find((p) => p.value === filters.preset)!.ms!;
      return { from: new Date(anchor - ms).toISOString() };
    }
    const from = localToIso(filters.customFrom);
    const to = localToIso(filters.customTo, true);
    if (filters.customFrom && !from) return { error: 'Enter a valid start date and time.' };
    if (filters.customTo && !to) return { error: 'Enter a valid end date and time.' };
    if (from && to && from > to) return { error: 'The start of the range must be before its end.' };
    return { from: from ?? undefined, to: to ?? undefined };
  }, [filters.preset, filters.customFrom, filters.customTo, anchor]);

  const query = {
    from: range.from,
    to: range.to,
    adminId: filters.adminId || undefined,
    action: filters.action || undefined,
    module: filters.module || undefined,
    resource: filters.resource || undefined,
    search: filters.search || undefined,
    page,
    pageSize,
  };
  const q = useAuditLogs(query, !range.error);
  const facets = useAuditFacets();

  function search(e: FormEvent) {
    e.preventDefault();
    setFilters((f) => ({ ...f, search: searchText.trim() }));
    setAnchor(Date.now());
    setPage(1);
    void facets.refetch();
    if (filters.search === searchText.trim()) void q.refetch();
  }

  function reset() {
    setFilters(DEFAULT_FILTERS);
    setSearchText('');
    setAnchor(Date.now());
    setPage(1);
  }

  const opt = (values: string[], all: string) => [{ value: '', label: all }, ...values.map((v) => ({ value: v, label: v }))];
  const filtered = Object.entries(filters).some(([k, v]) => k !== 'preset' && !k.startsWith('custom') && v !== '');

  return (
    <>
      <PageHeader
        title="Audit Logs"
        description="Every change made by an admin or an API key, with what it looked like before and after. Times are in your time zone."
      />
      <form onSubmit={search} aria-label="Audit log filters">
        <SimpleGrid cols={{ base: 1, xs: 2, md: 4 }} spacing="sm" mb="sm">
          <NativeSelect
            label="Time range"
            value={filters.preset}
            onChange={(e) => setFilter('preset', e.currentTarget.value as Preset)}
            data={PRESETS.map((p) => ({ value: p.value, label: p.label }))}
          />
          {filters.preset === 'custom' ? (
            <>
              <TextInput
                type="datetime-local"
                label="From"
                value={filters.customFrom}
                onChange={(e) => setFilter('customFrom', e.currentTarget.value)}
                error={range.error && range.error.includes('start') ? range.error : undefined}
              />
              <TextInput
                type="datetime-local"
                label="To"
                value={filters.customTo}
                onChange={(e) => setFilter('customTo', e.currentTarget.value)}
                error={range.error && !range.error.includes('start') ? range.error : undefined}
              />
            </>
          ) : null}
          <NativeSelect
            label="Admin"
            value={filters.adminId}
            onChange={(e) => setFilter('adminId', e.currentTarget.value)}
            data={[{ value: '', label: 'All admins' }, ...(facets.data?.admins ?? []).map((a) => ({ value: String(a.id), label: `${a.actor} (ID ${a.id})` }))]}
          />
          <NativeSelect
            label="Action"
            value={filters.action}
            onChange={(e) => setFilter('action', e.currentTarget.value)}
            data={opt(['Insert', 'Update', 'Delete'], 'All actions')}
          />
          <NativeSelect
            label="Module"
            value={filters.module}
            onChange={(e) => setFilter('module', e.currentTarget.value)}
            data={opt(facets.data?.modules ?? [], 'All modules')}
          />
          <NativeSelect
            label="Resource"
            value={filters.resource}
            onChange={(e) => setFilter('resource', e.currentTarget.value)}
            data={opt(facets.data?.resources ?? [], 'All resources')}
          />
          <TextInput label="Search" placeholder="Change notes, admin, resource" value={searchText} onChange={(e) => setSearchText(e.currentTarget.value)} />
        </SimpleGrid>
        <Group mb="md" gap="xs">
          <Button type="submit">Search</Button>
          <Button variant="default" onClick={reset}>
            Reset
          </Button>
          {facets.isError ? (
            <Text size="sm" c="red">
              Filter values could not be loaded.
            </Text>
          ) : null}
        </Group>
      </form>
      {range.error ? (
        <Alert color="yellow" role="alert" mb="md">
          {range.error}
        </Alert>
      ) : q.isLoading ? (
        <Loading label="Loading audit entries…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No audit entries">
          {filtered ? 'Nothing matches these filters. Widen the time range or press Reset.' : 'No changes were made in this time range.'}
        </EmptyState>
      ) : (
        <>
          <DataList
            label="Audit log entries"
            items={q.data.items}
            rowKey={(e) => e.id}
            rowTestId={() => 'audit-row'}
            minWidth={900}
            busy={q.isFetching}
            cardCols={2}
            cardTitle={(e) => (
              <Text fw={600} size="sm">
                {e.changeNotes}
              </Text>
            )}
            cardActions={(e) => <ViewChangeButton entry={e} onView={setViewing} />}
            columns={[
              { header: 'Timestamp', width: 170, cell: (e) => <DateTime value={e.createdAt} /> },
              { header: 'Action', width: 100, cell: (e) => <ActionBadge entry={e} /> },
              { header: 'Module', cell: (e) => e.module, noWrap: 'cell' },
              { header: 'Resource', cell: (e) => e.resource },
              { header: 'Admin ID', cell: (e) => <AdminId entry={e} />, noWrap: 'header' },
              { header: 'Change Notes', cell: (e) => e.changeNotes, card: null },
              { header: 'View', width: 60, cell: (e) => <ViewChangeButton entry={e} onView={setViewing} />, card: null },
            ]}
          />
          <Paginator noun="entries" {...paginator} total={q.data.total} />
        </>
      )}
      <ChangeModal entry={viewing} onClose={() => setViewing(null)} />
    </>
  );
}
