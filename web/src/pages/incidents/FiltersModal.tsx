import { useEffect, useState } from 'react';
import { Alert, Button, Group, MultiSelect, NativeSelect, ScrollArea, SegmentedControl, Stack, Text } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { errorMessage } from '../../components/common';
import { useNarrow } from '../../components/table';
import { useFilterOptions, type FilterKey } from './api';
import { MULTI_FILTERS, type ListState, type MultiFilter } from './urlState';

const FILTER_LABELS: Record<MultiFilter, string> = {
  status: 'Status',
  severity: 'Severity',
  priority: 'Priority',
  sourceType: 'Source DLP Type',
  dlpAdmin: 'DLP Admin',
  label: 'Label',
  incidentGroup: 'Incident Group',
  rule: 'Rule',
  engine: 'Engine',
  department: 'Department',
  action: 'Action',
};

type Draft = Pick<ListState, 'filters' | 'duplicated' | 'exclude'>;

/** The "Filters" window: every predefined-value filter, each with Include / Exclude. */
export function FiltersModal({ opened, value, onApply, onClose }: { opened: boolean; value: Draft; onApply(d: Draft): void; onClose(): void }) {
  const narrow = useNarrow();
  const options = useFilterOptions(opened);
  const [draft, setDraft] = useState<Draft>(value);
  useEffect(() => {
    if (opened) setDraft(value);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [opened]);

  const o = options.data;
  const data: Record<MultiFilter, { value: string; label: string }[]> = {
    status: (o?.statuses ?? []).map((v) => ({ value: v, label: v })),
    severity: (o?.severities ?? []).map((v) => ({ value: v, label: v })),
    priority: (o?.priorities ?? []).map((v) => ({ value: v, label: v })),
    sourceType: (o?.sourceTypes ?? []).map((v) => ({ value: v, label: v })),
    dlpAdmin: [{ value: '0', label: 'Unassigned' }, ...(o?.dlpAdmins ?? []).map((a) => ({ value: String(a.id), label: a.name }))],
    label: (o?.labels ?? []).map((l) => ({ value: String(l.id), label: l.name })),
    incidentGroup: (o?.incidentGroups ?? []).map((g) => ({ value: String(g.id), label: g.name })),
    rule: (o?.rules ?? []).map((v) => ({ value: v, label: v })),
    engine: (o?.engines ?? []).map((v) => ({ value: v, label: v })),
    department: (o?.departments ?? []).map((v) => ({ value: v, label: v })),
    action: (o?.actions ?? []).map((v) => ({ value: v, label: v })),
  };
  // Keep values chosen earlier selectable even if the option list no longer has them.
  for (const k of MULTI_FILTERS) {
    for (const v of draft.filters[k] ?? []) if (!data[k].some((d) => d.value === v)) data[k].push({ value: v, label: v });
  }

  const setValues = (k: MultiFilter, vals: string[]) => setDraft((d) => ({ ...d, filters: { ...d.filters, [k]: vals.length ? vals : undefined } }));
  const setMode = (k: FilterKey, mode: string) =>
    setDraft((d) => ({ ...d, exclude: mode === 'exclude' ? [...d.exclude.filter((x) => x !== k), k] : d.exclude.filter((x) => x !== k) }));

  return (
    <Dialog opened={opened} onClose={onClose} title="Filters" size="xl" fullScreen={narrow} centered scrollAreaComponent={ScrollArea.Autosize}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          onApply(draft);
        }}
      >
        <Stack>
          {options.isError ? (
            <Alert color="red" role="alert" title="Cannot load the filter values">
              <Group justify="space-between">
                <Text size="sm">{errorMessage(options.error)}</Text>
                <Button size="xs" variant="light" color="red" onClick={() => void options.refetch()}>
                  Try again
                </Button>
              </Group>
            </Alert>
          ) : null}
          {MULTI_FILTERS.map((k) => {
            const vals = draft.filters[k] ?? [];
            const excluded = draft.exclude.includes(k);
            return (
              <Stack key={k} gap={4} data-testid={`filter-${k}`}>
                <Group justify="space-between" gap="xs" wrap="wrap">
                  <Text size="sm" fw={500} id={`filter-label-${k}`}>
                    {FILTER_LABELS[k]}
                  </Text>
                  <Group gap="xs" wrap="nowrap">
                    <Button
                      size="compact-xs"
                      variant="subtle"
                      onClick={() =>
                        setValues(
                          k,
                          data[k].map((d) => d.value),
                        )
                      }
                      disabled={!data[k].length}
                    >
                      Select All
                    </Button>
                    <Button size="compact-xs" variant="subtle" color="gray" onClick={() => setValues(k, [])} disabled={!vals.length}>
                      Clear
                    </Button>
                    <SegmentedControl
                      size="xs"
                      aria-label={`${FILTER_LABELS[k]}: include or exclude`}
                      value={excluded ? 'exclude' : 'include'}
                      onChange={(v) => setMode(k, v)}
                      data={[
                        { value: 'include', label: 'Include' },
                        { value: 'exclude', label: 'Exclude' },
                      ]}
                    />
                  </Group>
                </Group>
                <MultiSelect
                  aria-labelledby={`filter-label-${k}`}
                  aria-label={FILTER_LABELS[k]}
                  placeholder={options.isLoading ? 'Loading…' : vals.length ? undefined : `Any ${FILTER_LABELS[k]}`}
                  data={data[k]}
                  value={vals}
                  onChange={(v) => setValues(k, v)}
                  searchable
                  clearable
                  hidePickedOptions
                  maxDropdownHeight={240}
                  nothingFoundMessage="No matching values"
                  comboboxProps={{ withinPortal: true }}
                />
              </Stack>
            );
          })}
          <NativeSelect
            label="Duplicated Incidents"
            value={draft.duplicated ?? ''}
            onChange={(e) => {
              const v = e.currentTarget.value;
              setDraft((d) => ({ ...d, duplicated: v === 'yes' || v === 'no' ? v : undefined }));
            }}
            data={[
              { value: '', label: 'Any' },
              { value: 'yes', label: 'Only incidents with duplicates' },
              { value: 'no', label: 'Only incidents without duplicates' },
            ]}
          />
          <Group justify="space-between">
            <Button variant="subtle" color="gray" onClick={() => setDraft({ filters: {}, duplicated: undefined, exclude: [] })}>
              Clear All
            </Button>
            <Group gap="xs">
              <Button variant="default" onClick={onClose}>
                Cancel
              </Button>
              <Button type="submit">Apply</Button>
            </Group>
          </Group>
        </Stack>
      </form>
    </Dialog>
  );
}
