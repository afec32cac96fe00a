import { Badge } from '@mantine/core';
import type { AuditEntry } from './api';

const ACTION_COLOR: Record<string, string> = { Insert: 'green', Update: 'blue', Delete: 'red' };

/** Insert, Update or Delete, coloured. */
export function ActionBadge({ entry: e }: { entry: AuditEntry }) {
  return (
    <Badge variant="light" color={ACTION_COLOR[e.action] ?? 'gray'} style={{ overflow: 'visible' }}>
      {e.action}
    </Badge>
  );
}
