import { useMemo, useState } from 'react';
import { Badge, Box, Button, Group, SimpleGrid, Stack, Switch, Text } from '@mantine/core';
import { DataList } from '../../components/DataList';
import { Dialog } from '../../components/Dialog';
import { EmptyState, formatDateTime } from '../../components/common';
import { useNarrow } from '../../components/table';
import type { AuditEntry } from './api';
import { diffSnapshots, type DiffRow } from './diff';

function Value({ v }: { v: unknown }) {
  if (v === undefined)
    return (
      <Text span size="sm" c="dimmed">
        —
      </Text>
    );
  if (v === null || v === '')
    return (
      <Text span size="sm" c="dimmed" fs="italic">
        empty
      </Text>
    );
  if (v === '[REDACTED]')
    return (
      <Text span size="sm" c="dimmed" fs="italic">
        [redacted]
      </Text>
    );
  // A list reads as a list (one item per line), not as raw JSON; objects inside it stay compact.
  if (Array.isArray(v)) {
    if (v.length === 0)
      return (
        <Text span size="sm" c="dimmed" fs="italic">
          empty list
        </Text>
      );
    return (
      <Box component="ul" m={0} pl="md" data-testid="audit-list-value">
        {v.map((item, i) => (
          <Text component="li" key={i} size="sm" style={{ wordBreak: 'break-word' }}>
            {typeof item === 'string' ? item : JSON.stringify(item)}
          </Text>
        ))}
      </Box>
    );
  }
  return (
    <Text span size="sm" style={{ wordBreak: 'break-word' }}>
      {typeof v === 'string' ? v : JSON.stringify(v)}
    </Text>
  );
}

const CHANGE_LABEL: Record<DiffRow['change'], string> = { added: 'Added', removed: 'Removed', changed: 'Changed', same: '' };

/** The field's path, with a badge saying how it changed. */
function FieldName({ row }: { row: DiffRow }) {
  return (
    <Group gap={6} wrap="nowrap">
      <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
        {row.field}
      </Text>
      {row.change !== 'same' ? (
        <Badge size="xs" color={row.change === 'removed' ? 'red' : row.change === 'added' ? 'green' : 'yellow'} variant="light">
          {CHANGE_LABEL[row.change]}
        </Badge>
      ) : null}
    </Group>
  );
}

/** A value that was replaced or removed is struck through. */
function strikeIfReplaced(row: DiffRow) {
  return row.change === 'changed' || row.change === 'removed'
    ? { textDecoration: 'line-through', textDecorationColor: 'var(--mantine-color-red-6)' }
    : undefined;
}

/** The Change window: the entry's before and after, field by field. */
export function ChangeModal({ entry, onClose }: { entry: AuditEntry | null; onClose(): void }) {
  const narrow = useNarrow();
  const [onlyChanged, setOnlyChanged] = useState(false);
  const rows = useMemo(() => (entry ? diffSnapshots(entry.before, entry.after) : []), [entry]);
  const shown = onlyChanged ? rows.filter((r) => r.change !== 'same') : rows;
  const changedCount = rows.filter((r) => r.change !== 'same').length;
  return (
    <Dialog opened={!!entry} onClose={onClose} title="Change" size="xl" fullScreen={narrow} centered={!narrow}>
      {entry ? (
        <Stack>
          <SimpleGrid cols={{ base: 1, xs: 2 }} spacing={4}>
            <Text size="sm">
              <b>Timestamp:</b> {formatDateTime(entry.createdAt)}
            </Text>
            <Text size="sm">
              <b>Action:</b> {entry.action}
            </Text>
            <Text size="sm">
              <b>Module:</b> {entry.module}
            </Text>
            <Text size="sm">
              <b>Resource:</b> {entry.resource}
              {entry.resourceId ? ` #${entry.resourceId}` : ''}
            </Text>
            <Text size="sm">
              <b>Admin:</b> {entry.actor}
              {entry.adminId ? ` (ID ${entry.adminId})` : ''}
            </Text>
            <Text size="sm">
              <b>Change Notes:</b> {entry.changeNotes}
            </Text>
          </SimpleGrid>
          {rows.length ? (
            <>
              <Group justify="space-between" wrap="wrap">
                <Text size="sm" c="dimmed">
                  {changedCount} of {rows.length} field{rows.length === 1 ? '' : 's'} changed. Changed values are highlighted.
                </Text>
                <Switch label="Only changed fields" checked={onlyChanged} onChange={(e) => setOnlyChanged(e.currentTarget.checked)} />
              </Group>
              <Box data-testid="audit-diff">
                <DataList
                  label="Before and after"
                  items={shown}
                  rowKey={(r) => r.field}
                  rowHighlighted={(r) => r.change !== 'same'}
                  rowAttributes={(r) => ({ 'data-change': r.change })}
                  minWidth={480}
                  cardTitle={(r) => <FieldName row={r} />}
                  columns={[
                    { header: 'Field', cell: (r) => <FieldName row={r} />, card: null },
                    {
                      header: 'Before',
                      cell: (r) => (
                        <Box style={strikeIfReplaced(r)}>
                          <Value v={r.before} />
                        </Box>
                      ),
                    },
                    {
                      header: 'After',
                      cell: (r) => (
                        <Box fw={r.change === 'same' ? undefined : 600}>
                          <Value v={r.after} />
                        </Box>
                      ),
                    },
                  ]}
                />
              </Box>
            </>
          ) : (
            <EmptyState title="No recorded values">This entry has no before/after snapshot.</EmptyState>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Close
            </Button>
          </Group>
        </Stack>
      ) : null}
    </Dialog>
  );
}
