import { ActionIcon, Button, Group } from '@mantine/core';

/** Up / down / Edit / Delete of one statement in an ordered list (Workflow and Incident Group Mappings). */
export function StatementRowActions({
  position,
  first,
  last,
  moving,
  onMove,
  onEdit,
  onDelete,
}: {
  position: number;
  first: boolean;
  last: boolean;
  moving: boolean;
  onMove(direction: 'up' | 'down'): void;
  onEdit(): void;
  onDelete(): void;
}) {
  return (
    <Group gap={4} wrap="nowrap">
      <ActionIcon variant="subtle" aria-label={`Move statement ${position} up`} disabled={first || moving} onClick={() => onMove('up')}>
        ↑
      </ActionIcon>
      <ActionIcon variant="subtle" aria-label={`Move statement ${position} down`} disabled={last || moving} onClick={() => onMove('down')}>
        ↓
      </ActionIcon>
      <Button size="compact-sm" variant="subtle" aria-label={`Edit statement ${position}`} onClick={onEdit}>
        Edit
      </Button>
      <Button size="compact-sm" variant="subtle" color="red" aria-label={`Delete statement ${position}`} onClick={onDelete}>
        Delete
      </Button>
    </Group>
  );
}
