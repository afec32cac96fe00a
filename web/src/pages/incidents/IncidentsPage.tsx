import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { TableScroll } from '../../components/TableScroll';
import { Link } from 'react-router';
import {
  Anchor,
  Badge,
  Button,
  Checkbox,
  CloseButton,
  Group,
  Menu,
  NativeSelect,
  Paper,
  Popover,
  ScrollArea,
  SimpleGrid,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Tooltip,
  UnstyledButton,
} from '@mantine/core';
import { useAuth } from '../../auth';
import { CursorPaginator } from '../../components/CursorPaginator';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { notifyError } from '../../components/notify';
import { SortableTh } from '../../components/table';
import { ActionDialog, type DialogAction } from './ActionDialogs';
import { IncidentGroupsDialog } from './IncidentGroupsDialog';
import { NotifyDialog } from '../remediation/NotifyDialog';
import { BulkRunDialog } from '../workflows/BulkRunDialog';
import { COLUMNS, defaultColumns, loadColumns, saveColumns, type CellContext, type ColumnKey } from './columns';
import { ExportButton } from './ExportButton';
import { FiltersModal } from './FiltersModal';
import {
  WIDGETS,
  WIDGET_LABELS,
  fetchIncidentIds,
  useIncidents,
  useRefreshIncidents,
  type Counts,
  type IncidentListItem,
  type SortField,
  type Widget,
} from './api';
import { RANGE_PRESETS, VIEWER_TIME_ZONE, customRangeProblem, describeRange, fromLocalInput, toLocalInput, type RangePreset } from './timeRange';
import { apiFilters, countActiveFilters, resolveRange, serializeListState, useListState, type ListState } from './urlState';

const HIGH_ONLY = ['Critical', 'High'];
const MAX_TX_IDS = 10;
/** The bulk endpoints take at most this many ids (MAX_BULK in the incidents schemas). */
const MAX_BULK = 1000;

function isHighOnly(s: ListState, k: 'priority' | 'severity'): boolean {
  const v = s.filters[k] ?? [];
  return !s.exclude.includes(k) && v.length === HIGH_ONLY.length && HIGH_ONLY.every((x) => v.includes(x));
}

/** The query string a details link carries: the list's filters and sort (for Next / Previous Incident), not its page. */
export function detailSearch(s: ListState): string {
  const sp = serializeListState({ ...s, cursor: undefined, page: 1, pageSize: 10 });
  const q = sp.toString();
  return q ? `?${q}` : '';
}

function CountWidgets({ counts, active, onToggle }: { counts: Counts | undefined; active: Widget | undefined; onToggle(w: Widget): void }) {
  return (
    <SimpleGrid cols={{ base: 2, xs: 4, md: 7 }} spacing="xs" mb="md" role="group" aria-label="Incident counts">
      {WIDGETS.map((w) => {
        const on = w === 'all' ? !active : active === w;
        return (
          <UnstyledButton
            key={w}
            onClick={() => onToggle(w)}
            aria-pressed={on}
            data-testid={`widget-${w}`}
            style={{ borderRadius: 'var(--mantine-radius-sm)' }}
          >
            <Paper
              withBorder
              p="xs"
              bg={on ? 'var(--mantine-color-indigo-light)' : undefined}
              style={{ borderColor: on ? 'var(--mantine-color-indigo-filled)' : undefined }}
            >
              <Text size="xs" c="dimmed" truncate>
                {WIDGET_LABELS[w]}
              </Text>
              <Text fw={700} size="lg">
                {counts ? counts[w].toLocaleString() : '…'}
              </Text>
            </Paper>
          </UnstyledButton>
        );
      })}
    </SimpleGrid>
  );
}

function TimeRangePicker({ state, onChange }: { state: ListState; onChange(p: Partial<ListState>): void }) {
  const [from, setFrom] = useState(state.from ? toLocalInput(new Date(state.from)) : '');
  const [to, setTo] = useState(state.to ? toLocalInput(new Date(state.to)) : '');
  const [problem, setProblem] = useState<string | null>(null);
  const [custom, setCustom] = useState(state.range === 'custom');
  useEffect(() => {
    setCustom(state.range === 'custom');
    setFrom(state.from ? toLocalInput(new Date(state.from)) : '');
    setTo(state.to ? toLocalInput(new Date(state.to)) : '');
  }, [state.range, state.from, state.to]);

  function apply(e: FormEvent) {
    e.preventDefault();
    const f = fromLocalInput(from);
    const t = fromLocalInput(to);
    const p = customRangeProblem(f, t);
    setProblem(p);
    if (!p) onChange({ range: 'custom', from: f!.toISOString(), to: t!.toISOString() });
  }

  return (
    <Stack gap={4}>
      <NativeSelect
        label="Time Range"
        size="sm"
        value={custom ? 'custom' : state.range}
        data={RANGE_PRESETS.map((p) => ({ value: p.value, label: p.label }))}
        onChange={(e) => {
          const v = e.currentTarget.value as RangePreset;
          if (v === 'custom') {
            setCustom(true);
            if (!from) {
              const now = new Date();
              setFrom(toLocalInput(new Date(now.getTime() - 7 * 86_400_000)));
              setTo(toLocalInput(now));
            }
          } else {
            setCustom(false);
            setProblem(null);
            onChange({ range: v, from: undefined, to: undefined });
          }
        }}
        w={200}
      />
      {custom ? (
        <form onSubmit={apply} noValidate>
          <Group gap="xs" align="flex-end" wrap="wrap">
            <TextInput type="datetime-local" label="From" size="sm" value={from} onChange={(e) => setFrom(e.currentTarget.value)} />
            <TextInput type="datetime-local" label="To" size="sm" value={to} onChange={(e) => setTo(e.currentTarget.value)} />
            <Button type="submit" size="sm" variant="light">
              Apply
            </Button>
          </Group>
          {problem ? (
            <Text size="xs" c="red" role="alert" mt={4}>
              {problem}
            </Text>
          ) : null}
        </form>
      ) : null}
    </Stack>
  );
}

function SearchBox({ state, onSearch }: { state: ListState; onSearch(search: string | undefined, mode: 'all' | 'transactionId'): void }) {
  const [text, setText] = useState(state.search ?? '');
  const [mode, setMode] = useState(state.searchMode);
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setText(state.search ?? '');
    setMode(state.searchMode);
  }, [state.search, state.searchMode]);

  function submit(e: FormEvent) {
    e.preventDefault();
    const q = text.trim();
    if (mode === 'transactionId' && q) {
      const ids = q
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      if (ids.length > MAX_TX_IDS) {
        setProblem(`Search at most ${MAX_TX_IDS} Transaction IDs at a time (you entered ${ids.length}).`);
        return;
      }
    }
    setProblem(null);
    onSearch(q || undefined, mode);
  }

  return (
    <form onSubmit={submit} role="search" style={{ flex: '1 1 320px', maxWidth: 560 }}>
      <Group gap={0} align="flex-start" wrap="nowrap">
        <NativeSelect
          aria-label="Search by"
          value={mode}
          onChange={(e) => setMode(e.currentTarget.value as 'all' | 'transactionId')}
          data={[
            { value: 'all', label: 'All' },
            { value: 'transactionId', label: 'Transaction ID' },
          ]}
          styles={{ input: { borderTopRightRadius: 0, borderBottomRightRadius: 0 } }}
          w={{ base: 96, sm: 150 }}
        />
        <TextInput
          aria-label="Search incidents"
          placeholder={mode === 'all' ? 'Search (all words must match)' : 'Transaction IDs, comma separated (up to 10)'}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          error={problem}
          style={{ flex: 1 }}
          styles={{ input: { borderRadius: 0 } }}
          rightSection={
            text ? (
              <CloseButton
                size="sm"
                aria-label="Clear search"
                onClick={() => {
                  setText('');
                  setProblem(null);
                  onSearch(undefined, mode);
                }}
              />
            ) : null
          }
        />
        <Button type="submit" styles={{ root: { borderTopLeftRadius: 0, borderBottomLeftRadius: 0 } }}>
          Search
        </Button>
      </Group>
    </form>
  );
}

function ColumnChooser({ visible, onChange }: { visible: ColumnKey[]; onChange(keys: ColumnKey[]): void }) {
  return (
    <Popover position="bottom-end" withinPortal shadow="md" trapFocus>
      <Popover.Target>
        <Button variant="default" aria-label="Modify the table and its columns">
          Columns
        </Button>
      </Popover.Target>
      <Popover.Dropdown>
        <Stack gap={6} role="group" aria-label="Modify the table and its columns">
          <Text size="xs" c="dimmed" fw={500}>
            Modify the table and its columns
          </Text>
          <ScrollArea.Autosize mah={360} type="auto" offsetScrollbars>
            <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="xs" verticalSpacing={6}>
              {COLUMNS.map((c) => (
                <Checkbox
                  key={c.key}
                  size="xs"
                  label={c.label}
                  disabled={c.fixed}
                  checked={visible.includes(c.key)}
                  onChange={(e) => {
                    const on = e.currentTarget.checked;
                    onChange(COLUMNS.filter((x) => (x.key === c.key ? on : visible.includes(x.key))).map((x) => x.key));
                  }}
                />
              ))}
            </SimpleGrid>
          </ScrollArea.Autosize>
          <Button size="compact-xs" variant="subtle" onClick={() => onChange(defaultColumns())} mt={4}>
            Reset columns
          </Button>
        </Stack>
      </Popover.Dropdown>
    </Popover>
  );
}

const BULK_ACTIONS: { action: DialogAction; label: string }[] = [
  { action: 'assign-to-me', label: 'Assign to Me' },
  { action: 'assign', label: 'Assign DLP Admin' },
  { action: 'priority', label: 'Assign Priority' },
  { action: 'investigating', label: 'Investigating' },
  { action: 'close', label: 'Close Incident' },
  { action: 'labels', label: 'Label' },
];

export function IncidentsPage() {
  const { can } = useAuth();
  const canEdit = can('Incidents', 'edit');
  const refreshIncidents = useRefreshIncidents();
  const { state, update } = useListState();
  const [nonce, setNonce] = useState(0);
  const [filtersOpen, setFiltersOpen] = useState(false);
  const [columns, setColumns] = useState<ColumnKey[]>(loadColumns);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [dialog, setDialog] = useState<DialogAction | null>(null);
  const [notifying, setNotifying] = useState(false);
  const [grouping, setGrouping] = useState(false);
  const [running, setRunning] = useState(false);
  // The workflow choices need Workflows and Mappings view as well as Incidents edit.
  const canRun = canEdit && can('Workflows and Mappings', 'view');

  // Rolling windows ("Last 2 Hours") are anchored when chosen and re-anchored by Refresh.
  const range = useMemo(() => resolveRange(state), [state.range, state.from, state.to, nonce]); // eslint-disable-line react-hooks/exhaustive-deps
  const filters = useMemo(() => apiFilters(state, range), [state, range]);
  // The ingested details are sent only when a shown column reads them (Client IP, File MD5…).
  const withDetails = COLUMNS.some((c) => c.details && columns.includes(c.key));
  const params = { ...filters, pageSize: state.pageSize, cursor: state.cursor, withCounts: true, ...(withDetails ? { withDetails: true } : {}) };
  const list = useIncidents(params);

  const items = list.data?.items ?? [];
  // The selection belongs to the rows on screen: a new page or filter clears it.
  const pageKey = JSON.stringify(params);
  useEffect(() => setSelected(new Set()), [pageKey]);

  const linkSearch = detailSearch(state);
  const cellCtx: CellContext = {
    link: (i: IncidentListItem) => (
      <Group gap={6} wrap="nowrap">
        <Anchor component={Link} to={`/incidents/${i.id}${linkSearch}`} size="sm" ff="monospace" data-testid="incident-link">
          {i.transactionId}
        </Anchor>
        {i.duplicateCount > 0 ? (
          <Tooltip label={`${i.duplicateCount} duplicate incident${i.duplicateCount === 1 ? '' : 's'}`}>
            <Badge size="xs" variant="light" color="grape" aria-label={`${i.duplicateCount} duplicates`}>
              +{i.duplicateCount}
            </Badge>
          </Tooltip>
        ) : null}
      </Group>
    ),
    user: (i: IncidentListItem) => (
      <Tooltip label={`Show only incidents of ${i.userEmail}`}>
        <Anchor component="button" type="button" size="sm" onClick={() => update({ user: i.userEmail })} style={{ textAlign: 'left' }}>
          {i.userName || i.userEmail}
        </Anchor>
      </Tooltip>
    ),
  };

  const shown = COLUMNS.filter((c) => columns.includes(c.key));
  const allOnPage = items.length > 0 && items.every((i) => selected.has(i.id));
  const someOnPage = items.some((i) => selected.has(i.id));
  const activeFilters = countActiveFilters(state);

  function onSort(field: SortField, order: 'asc' | 'desc') {
    update({ sort: field, order });
  }
  function toggleWidget(w: Widget) {
    update((latest) => ({ widget: w === 'all' || latest.widget === w ? undefined : w }));
  }
  function toggleHigh(k: 'priority' | 'severity', on: boolean) {
    update((latest) => ({ filters: { ...latest.filters, [k]: on ? HIGH_ONLY : undefined }, exclude: latest.exclude.filter((x) => x !== k) }));
  }
  function refresh() {
    setNonce((n) => n + 1);
    refreshIncidents();
  }

  const noResults = list.isSuccess && items.length === 0;
  const total = list.data?.total ?? 0;

  /** "Select All Incidents": every incident of the filtered set (across pages), up to the bulk limit. */
  const [selectingAll, setSelectingAll] = useState(false);
  async function selectAllMatching() {
    setSelectingAll(true);
    try {
      setSelected(new Set(await fetchIncidentIds(filters, MAX_BULK)));
    } catch (err) {
      notifyError('Could not select all incidents', err);
    } finally {
      setSelectingAll(false);
    }
  }
  const target = { mode: 'bulk' as const, ids: [...selected] };

  return (
    <>
      <PageHeader
        title="Incidents"
        description={
          <>
            {state.search && state.searchMode === 'transactionId'
              ? 'Transaction ID search covers all dates'
              : range.from && range.to
                ? describeRange(new Date(range.from), new Date(range.to))
                : null}{' '}
            · times in {VIEWER_TIME_ZONE}
          </>
        }
        actions={
          <>
            <ExportButton params={filters} total={list.data?.total} />
            <Button variant="default" onClick={refresh} loading={list.isFetching && !list.isLoading} aria-label="Refresh">
              Refresh
            </Button>
          </>
        }
      />

      <Group align="flex-end" gap="md" mb="sm" wrap="wrap">
        <TimeRangePicker state={state} onChange={(p) => update(p)} />
        <Switch label="Priority: High Only" checked={isHighOnly(state, 'priority')} onChange={(e) => toggleHigh('priority', e.currentTarget.checked)} mb={8} />
        <Switch label="Severity: High Only" checked={isHighOnly(state, 'severity')} onChange={(e) => toggleHigh('severity', e.currentTarget.checked)} mb={8} />
        <Group gap="xs">
          <Button
            variant={activeFilters ? 'light' : 'default'}
            onClick={() => setFiltersOpen(true)}
            rightSection={
              activeFilters ? (
                <Badge size="xs" circle>
                  {activeFilters}
                </Badge>
              ) : null
            }
          >
            Filters
          </Button>
          <Button
            variant="subtle"
            color="gray"
            onClick={() =>
              update({
                range: 'currentWeek',
                from: undefined,
                to: undefined,
                widget: undefined,
                filters: {},
                duplicated: undefined,
                exclude: [],
                user: undefined,
                search: undefined,
                searchMode: 'all',
              })
            }
          >
            Reset
          </Button>
        </Group>
      </Group>

      <CountWidgets counts={list.data?.counts} active={state.widget} onToggle={toggleWidget} />

      <Group justify="space-between" gap="sm" mb="sm" wrap="wrap" align="flex-start">
        <SearchBox state={state} onSearch={(search, searchMode) => update({ search, searchMode })} />
        <Group gap="xs">
          {canEdit ? (
            <Menu position="bottom-end" withinPortal>
              <Menu.Target>
                <Button disabled={!selected.size}>Actions{selected.size ? ` (${selected.size})` : ''}</Button>
              </Menu.Target>
              <Menu.Dropdown>
                {BULK_ACTIONS.map((a) => (
                  <Menu.Item key={a.action} onClick={() => setDialog(a.action)}>
                    {a.label}
                  </Menu.Item>
                ))}
                <Menu.Item onClick={() => setNotifying(true)}>Notify User</Menu.Item>
                <Menu.Item onClick={() => setGrouping(true)}>Update Incident Group</Menu.Item>
                {canRun ? <Menu.Item onClick={() => setRunning(true)}>Run workflow</Menu.Item> : null}
              </Menu.Dropdown>
            </Menu>
          ) : null}
          <ColumnChooser
            visible={columns}
            onChange={(k) => {
              setColumns(k);
              saveColumns(k);
            }}
          />
        </Group>
      </Group>

      {state.user || activeFilters || state.widget ? (
        <Group gap="xs" mb="sm" wrap="wrap" aria-label="Active filters">
          {state.widget ? (
            <Badge variant="light" rightSection={<CloseButton size="xs" aria-label="Remove count filter" onClick={() => update({ widget: undefined })} />}>
              {WIDGET_LABELS[state.widget]}
            </Badge>
          ) : null}
          {state.user ? (
            <Badge
              variant="light"
              styles={{ label: { textTransform: 'none' } }}
              rightSection={<CloseButton size="xs" aria-label="Remove user filter" onClick={() => update({ user: undefined })} />}
            >
              User: {state.user}
            </Badge>
          ) : null}
          {activeFilters ? (
            <Badge
              variant="light"
              rightSection={<CloseButton size="xs" aria-label="Clear filters" onClick={() => update({ filters: {}, duplicated: undefined, exclude: [] })} />}
            >
              {activeFilters} filter{activeFilters === 1 ? '' : 's'}
            </Badge>
          ) : null}
        </Group>
      ) : null}

      {list.isLoading ? (
        <Loading label="Loading incidents…" />
      ) : list.isError && !list.data ? (
        <ErrorState error={list.error} onRetry={() => void list.refetch()} />
      ) : noResults ? (
        <EmptyState title="No incidents">
          {state.search || activeFilters || state.widget || state.user
            ? 'No incident in this time range matches the search and filters. Try Reset or a wider time range.'
            : 'No incident arrived in this time range. Choose a wider time range, or send incidents to POST /api/v1/incidents with an API key.'}
        </EmptyState>
      ) : (
        <>
          {list.isError ? <ErrorState error={list.error} onRetry={() => void list.refetch()} /> : null}
          {canEdit && allOnPage && total > items.length ? (
            <Group gap="xs" mb="xs" p="xs" bg="var(--mantine-color-indigo-light)" style={{ borderRadius: 'var(--mantine-radius-sm)' }} aria-live="polite">
              {selected.size > items.length ? (
                <>
                  <Text size="sm">
                    All {selected.size.toLocaleString()} incidents are selected
                    {total > selected.size ? ` (bulk actions take at most ${MAX_BULK.toLocaleString()} at a time)` : ''}.
                  </Text>
                  <Button size="compact-sm" variant="subtle" onClick={() => setSelected(new Set())}>
                    Clear selection
                  </Button>
                </>
              ) : (
                <>
                  <Text size="sm">All {items.length} incidents on this page are selected.</Text>
                  <Button size="compact-sm" variant="subtle" onClick={() => void selectAllMatching()} loading={selectingAll}>
                    Select All Incidents ({Math.min(total, MAX_BULK).toLocaleString()}
                    {total > MAX_BULK ? ` of ${total.toLocaleString()}` : ''})
                  </Button>
                </>
              )}
            </Group>
          ) : null}
          <TableScroll label="Incidents" minWidth={900}>
            <Table
              striped
              highlightOnHover
              verticalSpacing="xs"
              aria-label="Incidents"
              aria-busy={list.isFetching}
              style={{ opacity: list.isPlaceholderData ? 0.6 : 1, transition: 'opacity 150ms' }}
            >
              <Table.Thead>
                <Table.Tr>
                  {canEdit ? (
                    <Table.Th w={40}>
                      <Checkbox
                        aria-label="Select All"
                        title="Select All"
                        checked={allOnPage}
                        indeterminate={someOnPage && !allOnPage}
                        onChange={() => setSelected(allOnPage ? new Set() : new Set(items.map((i) => i.id)))}
                      />
                    </Table.Th>
                  ) : null}
                  {shown.map((c) =>
                    c.sort ? (
                      <SortableTh key={c.key} field={c.sort} sort={state.sort} order={state.order} onSort={onSort}>
                        {c.label}
                      </SortableTh>
                    ) : (
                      <Table.Th key={c.key} style={{ whiteSpace: 'nowrap' }}>
                        {c.label}
                      </Table.Th>
                    ),
                  )}
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((i) => (
                  <Table.Tr key={i.id} bg={selected.has(i.id) ? 'var(--mantine-color-indigo-light)' : undefined}>
                    {canEdit ? (
                      <Table.Td>
                        <Checkbox
                          aria-label={`Select ${i.transactionId}`}
                          checked={selected.has(i.id)}
                          onChange={(e) => {
                            const on = e.currentTarget.checked;
                            setSelected((s) => {
                              const n = new Set(s);
                              if (on) n.add(i.id);
                              else n.delete(i.id);
                              return n;
                            });
                          }}
                        />
                      </Table.Td>
                    ) : null}
                    {shown.map((c) => (
                      <Table.Td key={c.key} style={c.width ? { minWidth: c.width } : undefined}>
                        {c.render(i, cellCtx)}
                      </Table.Td>
                    ))}
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </TableScroll>
          <CursorPaginator
            page={state.page}
            pageSize={state.pageSize}
            rows={items.length}
            total={list.data?.total ?? 0}
            totalCapped={list.data?.totalCapped}
            hasPrevious={state.page > 1 && !!list.data?.prevCursor}
            hasNext={!!list.data?.nextCursor}
            onPrevious={() =>
              update(state.page <= 2 ? { cursor: undefined, page: 1 } : { cursor: list.data!.prevCursor!, page: state.page - 1 }, { keepPage: true })
            }
            onNext={() => update({ cursor: list.data!.nextCursor!, page: state.page + 1 }, { keepPage: true })}
            onPageSizeChange={(pageSize) => update({ pageSize })}
            noun="incidents"
          />
        </>
      )}

      <FiltersModal
        opened={filtersOpen}
        value={{ filters: state.filters, duplicated: state.duplicated, exclude: state.exclude }}
        onClose={() => setFiltersOpen(false)}
        onApply={(d) => {
          update(d);
          setFiltersOpen(false);
        }}
      />
      <ActionDialog action={dialog} target={target} onClose={() => setDialog(null)} onDone={() => setSelected(new Set())} />
      <NotifyDialog action={notifying ? 'notify' : null} target={target} onClose={() => setNotifying(false)} onDone={() => setSelected(new Set())} />
      <IncidentGroupsDialog opened={grouping} target={target} onClose={() => setGrouping(false)} onDone={() => setSelected(new Set())} />
      {canRun ? <BulkRunDialog ids={target.ids} opened={running} onClose={() => setRunning(false)} onDone={() => setSelected(new Set())} /> : null}
    </>
  );
}
