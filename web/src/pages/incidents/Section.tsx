import type { ReactNode } from 'react';
import { Group, Paper, SimpleGrid, Text, Title } from '@mantine/core';

/** One titled block of Incident Details (a landmark named by its title). */
export function Section({ title, children, actions, testId }: { title: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <Paper withBorder p="md" component="section" aria-label={title} data-testid={testId}>
      <Group justify="space-between" mb="sm" wrap="wrap">
        <Title order={2} size="h4">
          {title}
        </Title>
        {actions}
      </Group>
      {children}
    </Paper>
  );
}

export type Field = [label: string, value: ReactNode];
/** Label/value pairs; empty values are left out so each section shows what the engine reported. */
export function Fields({ fields, cols = 3 }: { fields: Field[]; cols?: number }) {
  const present = fields.filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0));
  if (!present.length)
    return (
      <Text size="sm" c="dimmed">
        Not reported.
      </Text>
    );
  return (
    <SimpleGrid cols={{ base: 2, md: cols }} spacing="sm" verticalSpacing="xs" component="dl" style={{ margin: 0 }}>
      {present.map(([label, value]) => (
        <div key={label} style={{ minWidth: 0 }}>
          <Text component="dt" size="xs" c="dimmed">
            {label}
          </Text>
          <Text component="dd" size="sm" m={0} style={{ overflowWrap: 'anywhere' }}>
            {value}
          </Text>
        </div>
      ))}
    </SimpleGrid>
  );
}
