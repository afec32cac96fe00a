import { Badge, SegmentedControl, Table, Text } from '@mantine/core';
import { CATEGORIES, maxLevel, type Category, type PermissionLevel } from '../../api/types';

const LEVEL_LABEL: Record<PermissionLevel, string> = { none: 'None', view: 'View', edit: 'Edit', delete: 'Delete' };
const LEVEL_COLOR: Record<PermissionLevel, string> = { none: 'gray', view: 'blue', edit: 'green', delete: 'red' };
export const BUILTIN_REASON = 'Built-in roles are part of the product and cannot be changed or deleted. Add a custom role instead.';

export type Perms = Record<Category, PermissionLevel>;
export const noPerms = (): Perms => Object.fromEntries(CATEGORIES.map((c) => [c, 'none'])) as Perms;

function levelsFor(c: Category): PermissionLevel[] {
  return maxLevel(c) === 'delete' ? ['none', 'view', 'edit', 'delete'] : ['none', 'view', 'edit'];
}

/** The per-category permission picker used by Add Role and Edit Permissions (and read-only by View). */
export function PermissionGrid({ value, onChange, readOnly }: { value: Perms; onChange?(v: Perms): void; readOnly?: boolean }) {
  return (
    <Table withTableBorder verticalSpacing={6} aria-label="Permissions">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Category</Table.Th>
          <Table.Th>Permission</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {CATEGORIES.map((c) => (
          <Table.Tr key={c}>
            <Table.Td>
              <Text size="sm" id={`perm-${c.replace(/\W+/g, '-')}`}>
                {c}
              </Text>
            </Table.Td>
            <Table.Td>
              {readOnly ? (
                <Badge color={LEVEL_COLOR[value[c]]} variant="light" data-testid={`level-${c}`}>
                  {LEVEL_LABEL[value[c]]}
                </Badge>
              ) : (
                <SegmentedControl
                  size="xs"
                  role="radiogroup"
                  aria-labelledby={`perm-${c.replace(/\W+/g, '-')}`}
                  name={`perm-${c}`}
                  data-testid={`perm-${c}`}
                  value={value[c]}
                  onChange={(v) => onChange?.({ ...value, [c]: v as PermissionLevel })}
                  data={levelsFor(c).map((l) => ({ value: l, label: LEVEL_LABEL[l] }))}
                />
              )}
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
