import { useId } from 'react';
import { PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import type { SystemDescriptor } from './shared';

export type FieldValues = Record<string, string>;

/** The descriptor's credential fields for an auth method, in form order. */
export function credentialFieldsFor(system: SystemDescriptor, authMethod: string) {
  return system.credentials.fields.filter((f) => !f.only || f.only.some((m) => m === authMethod));
}

/**
 * A system's sign-in fields as its descriptor lists them: the authentication method (when there
 * is a choice), the credentials that method uses, then the contact fields. Connecting asks for
 * every credential; editing leaves secrets blank, meaning "keep the stored one".
 */
export function CredentialFields({
  system,
  mode,
  authMethod,
  onAuthMethod,
  values,
  onChange,
  errors = {},
  disabled,
}: {
  system: SystemDescriptor;
  mode: 'connect' | 'edit';
  authMethod: string;
  onAuthMethod(method: string): void;
  values: FieldValues;
  onChange(key: string, value: string): void;
  errors?: FieldValues;
  disabled?: boolean;
}) {
  const methodLabel = useId();
  const connect = mode === 'connect';
  const methods = system.credentials.authMethods;
  return (
    <>
      {methods.length > 1 ? (
        <Stack gap={4}>
          <Text size="sm" fw={500} id={methodLabel}>
            Authentication method
          </Text>
          <SegmentedControl
            aria-labelledby={methodLabel}
            value={authMethod}
            onChange={onAuthMethod}
            disabled={disabled}
            data={methods.map((m) => ({ value: m.value, label: m.label }))}
          />
        </Stack>
      ) : null}
      {credentialFieldsFor(system, authMethod).map((field) => {
        const common = {
          label: field.label,
          value: values[field.key] ?? '',
          onChange: (e: { currentTarget: { value: string } }) => onChange(field.key, e.currentTarget.value),
          error: errors[field.key],
          required: connect,
          disabled,
        };
        return field.secret ? (
          <PasswordInput
            key={field.key}
            {...common}
            placeholder={connect ? field.placeholder : 'Leave blank to keep the stored value'}
            autoComplete="new-password"
          />
        ) : (
          <TextInput key={field.key} {...common} placeholder={connect ? field.placeholder : undefined} autoComplete="off" />
        );
      })}
      {system.contact.fields.map((field) => (
        <TextInput
          key={field.key}
          label={field.label}
          placeholder={connect ? field.placeholder : undefined}
          value={values[field.key] ?? ''}
          onChange={(e) => onChange(field.key, e.currentTarget.value)}
          error={errors[field.key]}
          disabled={disabled}
        />
      ))}
    </>
  );
}
