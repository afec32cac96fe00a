import { useEffect, useRef, type ReactNode } from 'react';
import { ActionIcon, Menu, Table, UnstyledButton, Group, Text } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { ApiError } from '../api/client';
import { IconDots } from './icons';

export type SortOrder = 'asc' | 'desc';

/**
 * A column header that sorts the list when clicked (a real button inside the <th>, with
 * aria-sort on the header so screen readers announce the current order).
 */
export function SortableTh<K extends string>({
  field,
  sort,
  order,
  onSort,
  children,
}: {
  field: K;
  sort: K;
  order: SortOrder;
  onSort(field: K, order: SortOrder): void;
  children: ReactNode;
}) {
  const active = sort === field;
  const next: SortOrder = active && order === 'asc' ? 'desc' : 'asc';
  // The order this header last asked for, until the list shows it: a second click before the
  // first has rendered toggles from there, not from the order still on screen.
  const asked = useRef<SortOrder | null>(null);
  useEffect(() => {
    asked.current = null;
  }, [sort, order]);
  function click() {
    const from = asked.current ?? (active ? order : null);
    asked.current = from === 'asc' ? 'desc' : 'asc';
    onSort(field, asked.current);
  }
  return (
    <Table.Th aria-sort={active ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <UnstyledButton onClick={click} aria-label={`Sort by ${typeof children === 'string' ? children : field} ${next === 'asc' ? 'ascending' : 'descending'}`}>
        <Group gap={4} wrap="nowrap">
          <Text fw={700} size="sm">
            {children}
          </Text>
          <Text size="xs" c={active ? undefined : 'dimmed'} aria-hidden>
            {active ? (order === 'asc' ? '▲' : '▼') : '↕'}
          </Text>
        </Group>
      </UnstyledButton>
    </Table.Th>
  );
}

/** Modals go full screen on phone-sized windows so forms stay usable at 400px. */
export function useNarrow(): boolean {
  return useMediaQuery('(max-width: 36em)') ?? false;
}

/** Field → message from the API's validation error details (`[{ field, message }]`). */
export function fieldErrors(err: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof ApiError && Array.isArray(err.details)) {
    for (const d of err.details as { field?: string | null; message?: string }[]) {
      if (d?.field && d.message && !out[d.field]) out[d.field] = d.message;
    }
  }
  return out;
}

/** A row's "⋯" button opening its actions (`Menu.Item`s as children); `label` names the row, e.g. "Actions for jane@example.com". */
export function RowActionsMenu({ label, loading, children }: { label: string; loading?: boolean; children: ReactNode }) {
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={label} loading={loading}>
          <IconDots />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>{children}</Menu.Dropdown>
    </Menu>
  );
}

/** The row above a list: search and filter fields, bottom-aligned, then why the viewer cannot change anything (if so). */
export function ListToolbar({ readOnlyNote, children }: { readOnlyNote?: string | null; children: ReactNode }) {
  return (
    <Group mb="sm" align="flex-end" wrap="wrap">
      {children}
      {readOnlyNote ? (
        <Text size="sm" c="dimmed">
          {readOnlyNote}
        </Text>
      ) : null}
    </Group>
  );
}
