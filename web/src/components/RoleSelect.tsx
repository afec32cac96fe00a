import type { ReactNode } from 'react';
import { NativeSelect } from '@mantine/core';
import { useRoles } from '../pages/roles/api';
import { errorMessage } from './common';

/**
 * The required "Role" picker of Add Admin, Change Role and Create API Key. The field's own error
 * wins, then a failed role list, then `unavailable` (why the list cannot be loaded at all).
 */
export function RoleSelect({
  value,
  onChange,
  error,
  label = 'Role',
  description,
  enabled = true,
  unavailable,
}: {
  value: string;
  onChange(v: string): void;
  error?: string;
  label?: string;
  description?: ReactNode;
  enabled?: boolean;
  unavailable?: string;
}) {
  const roles = useRoles(enabled);
  const data = [
    { value: '', label: roles.isLoading ? 'Loading roles…' : 'Select a role', disabled: true },
    ...(roles.data?.items ?? []).map((r) => ({ value: String(r.id), label: r.name })),
  ];
  return (
    <NativeSelect
      label={label}
      description={description}
      required
      data={data}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error ?? (roles.isError ? `Cannot load roles: ${errorMessage(roles.error)}` : unavailable)}
    />
  );
}
