import { useState, type FormEvent } from 'react';
import { Alert, Stack, Text, TextInput } from '@mantine/core';
import { Dialog } from '../../components/Dialog';
import { ApiError } from '../../api/client';
import { errorMessage } from '../../components/common';
import { FormButtons } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { useConnectIntegration } from './api';
import { CredentialFields, credentialFieldsFor } from './CredentialFields';
import { descriptorOf, type AppKey, type IntegrationView } from './shared';

type Fields = Record<string, string>;

/** Connect form: the system's descriptor says which credentials and contact fields it asks for. */
export function ConnectModal({
  app,
  opened,
  onClose,
  onConnected,
}: {
  app: AppKey;
  opened: boolean;
  onClose: () => void;
  onConnected: (i: IntegrationView) => void;
}) {
  const system = descriptorOf(app);
  const firstMethod = system.credentials.authMethods[0].value;
  const [f, setF] = useState<Fields>({ authMethod: firstMethod });
  const [errors, setErrors] = useState<Fields>({});
  const setField = (k: string, value: string) => setF((prev) => ({ ...prev, [k]: value }));
  const set = (k: string) => (e: { currentTarget: { value: string } }) => setField(k, e.currentTarget.value);

  const credentialFields = credentialFieldsFor(system, f.authMethod);
  const required: Fields = {
    name: 'Integration name is required.',
    baseUrl: 'The URL is required.',
    ...Object.fromEntries(credentialFields.map((c) => [c.key, `${c.label} is required.`])),
  };

  const credentials = () => {
    const creds: Fields = Object.fromEntries(credentialFields.map((c) => [c.key, f[c.key] ?? '']));
    if (system.credentials.authMethods.length > 1) creds.authMethod = f.authMethod;
    return creds;
  };

  const connect = () => {
    const contact = Object.fromEntries(system.contact.fields.filter((c) => f[c.key]?.trim()).map((c) => [c.key, f[c.key]]));
    m.mutate({ type: app, name: f.name, baseUrl: f.baseUrl, ...contact, credentials: credentials() });
  };
  const m = useConnectIntegration({
    onSuccess: (i) => {
      notifySuccess(undefined, `${i.name} is connected.`);
      setF({ authMethod: firstMethod });
      onConnected(i);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Fields = {};
    for (const [k, message] of Object.entries(required)) if (!f[k]?.trim()) errs[k] = message;
    if (Object.keys(errs).length === 0) {
      // The server's own rules for this system's credentials (its descriptor's schema), with its messages.
      const parsed = system.credentials.schema.safeParse(credentials());
      if (!parsed.success) for (const issue of parsed.error.issues) errs[String(issue.path[0])] ??= issue.message;
    }
    setErrors(errs);
    if (Object.keys(errs).length === 0) connect();
  };
  const fieldErr = (k: string) => errors[k];
  const apiErr = m.error;
  const fieldIssues = apiErr instanceof ApiError && Array.isArray(apiErr.details) ? (apiErr.details as { field: string | null; message: string }[]) : [];

  return (
    <Dialog opened={opened} onClose={m.isPending ? () => undefined : onClose} title={`Connect ${system.name}`} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Integration Name"
            description="The tenant name shown as the Integration in every drop-down. Unique in your organization."
            placeholder={system.setup.namePlaceholder}
            value={f.name ?? ''}
            onChange={set('name')}
            error={fieldErr('name')}
            required
            data-autofocus
          />
          <TextInput
            label={system.setup.baseUrl.label}
            placeholder={system.setup.baseUrl.placeholder}
            value={f.baseUrl ?? ''}
            onChange={set('baseUrl')}
            error={fieldErr('baseUrl')}
            required
          />
          <CredentialFields
            system={system}
            mode="connect"
            authMethod={f.authMethod}
            onAuthMethod={(v) => setField('authMethod', v)}
            values={f}
            onChange={setField}
            errors={errors}
          />
          {apiErr ? (
            <Alert color="red" title="Not connected" role="alert">
              {errorMessage(apiErr)}
              {fieldIssues.length > 1 ? (
                <ul style={{ margin: '4px 0 0', paddingLeft: 18 }}>
                  {fieldIssues.slice(1).map((i, n) => (
                    <li key={n}>{`${i.field ? `${i.field}: ` : ''}${i.message}`}</li>
                  ))}
                </ul>
              ) : null}
            </Alert>
          ) : null}
          <FormButtons submitLabel={f.authMethod === 'oauth' ? 'Authorize' : 'Connect'} onCancel={onClose} busy={m.isPending} cancelDisabled={m.isPending} />
          <Text size="xs" c="dimmed">
            The credentials are checked against {system.name} before anything is saved, stored encrypted, and never shown again.
          </Text>
        </Stack>
      </form>
    </Dialog>
  );
}
