import type { ReactNode } from 'react';
import { Box, Group, Paper, Stack, Text } from '@mantine/core';

/** A column of a table row shown in its card: the column name as the label. `full` spans both columns of a two-column card. */
export type CardField = { label: string; value: ReactNode; full?: boolean };

/** Phone-width stand-in for a table (see `useNarrow`): a list of `RowCard`s, one per row. */
export function CardList({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Stack gap="sm" role="list" aria-label={label}>
      {children}
    </Stack>
  );
}

/**
 * One table row as a card: what names the row (`title`) with the row's actions beside it, then the
 * other columns as label/value pairs, in one column or two (`cols`) for short values.
 */
export function RowCard({
  title,
  actions,
  fields,
  cols = 1,
  testId,
  highlighted,
  muted,
  detail,
  attributes,
}: {
  title: ReactNode;
  actions?: ReactNode;
  fields: CardField[];
  cols?: 1 | 2;
  testId?: string;
  highlighted?: boolean;
  /** Dimmed text: the row no longer counts (deleted, cleared). */
  muted?: boolean;
  /** Shown under the fields (e.g. what the row expands into). */
  detail?: ReactNode;
  attributes?: Record<`data-${string}`, string>;
}) {
  return (
    <Paper
      {...attributes}
      withBorder
      p="sm"
      role="listitem"
      data-testid={testId}
      bg={highlighted ? 'var(--mantine-color-yellow-light)' : undefined}
      c={muted ? 'dimmed' : undefined}
    >
      <Group justify="space-between" wrap="nowrap" align="flex-start">
        <Box miw={0}>{title}</Box>
        {actions}
      </Group>
      <Box
        component="dl"
        mt="xs"
        mb={0}
        style={{ display: 'grid', gridTemplateColumns: `repeat(${cols}, minmax(0, 1fr))`, gap: '6px var(--mantine-spacing-sm)' }}
      >
        {fields.map((f) => (
          <Box key={f.label} miw={0} style={f.full ? { gridColumn: '1 / -1' } : undefined}>
            <Text component="dt" size="xs" fw={700}>
              {f.label}
            </Text>
            <Box component="dd" m={0} fz="sm" style={{ overflowWrap: 'anywhere' }}>
              {f.value}
            </Box>
          </Box>
        ))}
      </Box>
      {detail ? <Box mt="sm">{detail}</Box> : null}
    </Paper>
  );
}
