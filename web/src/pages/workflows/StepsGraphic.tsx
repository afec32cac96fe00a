import { Fragment } from 'react';
import { Paper, Stack, Text } from '@mantine/core';

export const STEP_LABELS: Record<string, string> = {
  create_ticket: 'Create Ticket',
  close_incident: 'Close Incident',
  wait: 'Wait',
  notify_user: 'Notify User',
  escalate: 'Escalate',
  wait_for_response: 'Wait for Response',
};

/**
 * The Workflow Settings graphic: Start, each step as a tile, End. `conditions[i]`, when set, is
 * written on the arrow into step i (the answers a step after Wait for Response runs on).
 */
export function StepsGraphic({ steps, conditions = [] }: { steps: string[]; conditions?: (string | null | undefined)[] }) {
  const tiles = ['Start', ...steps.map((s) => STEP_LABELS[s] ?? s), 'End'];
  return (
    <Stack gap={4} align="center" aria-label="Workflow steps" data-testid="steps-graphic">
      {tiles.map((label, i) => (
        <Fragment key={i}>
          {i > 0 ? (
            <Text c="dimmed" size="xs" ta="center">
              <span aria-hidden>↓</span>
              {conditions[i - 1] ? ` if ${conditions[i - 1]}` : null}
            </Text>
          ) : null}
          <Paper withBorder px="md" py={6} radius={i === 0 || i === tiles.length - 1 ? 'xl' : 'sm'} miw={160} ta="center">
            <Text size="sm" fw={i === 0 || i === tiles.length - 1 ? 400 : 600}>
              {label}
            </Text>
          </Paper>
        </Fragment>
      ))}
    </Stack>
  );
}
