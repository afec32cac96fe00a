import { Badge, Button, Group, Stack, Text } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { useNarrow } from '../../components/table';
import type { RoleView } from './api';
import { PermissionGrid, noPerms, type Perms } from './permissions';

export function ViewPermissionsModal({ role, onClose }: { role: RoleView | null; onClose(): void }) {
  const narrow = useNarrow();
  return (
    <Dialog opened={!!role} onClose={onClose} title="View Permissions" size="lg" fullScreen={narrow} centered={!narrow}>
      {role ? (
        <Stack>
          <Group gap="xs">
            <Text fw={600}>{role.name}</Text>
            {role.builtin ? <Badge variant="outline">Built-in</Badge> : null}
          </Group>
          <Text size="sm" c="dimmed">
            Product: DLP · Assigned to {role.adminCount} admin{role.adminCount === 1 ? '' : 's'}
          </Text>
          <PermissionGrid value={{ ...noPerms(), ...(role.permissions as Perms) }} readOnly />
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
