import { useState, type FormEvent } from 'react';
import { Alert, Modal, PasswordInput, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ApiError, post } from '../../api/client';
import { errorMessage } from '../../components/common';
import { FormButtons } from '../../components/forms';
import { notifySuccess } from '../../components/notify';
import { integrationsKey } from './IntegrationsPage';
import type { AppKey, IntegrationView } from './shared';

type Fields = Record<string, string>;

const required: Record<string, string> = {
  name: 'Integration name is required.',
  baseUrl: 'The URL is required.',
  username: 'User ID is required.',
  password: 'User Password is required.',
  clientId: 'Client ID is required.',
  clientSecret: 'Client Secret is required.',
  email: 'Account email is required.',
  apiToken: 'API token is required.',
};

/** Connect form: ServiceNow (Basic or OAuth 2.0 password grant) or Jira Cloud (email + API token). */
export function ConnectModal({ app, opened, onClose, onConnected }: { app: AppKey; opened: boolean; onClose: () => void; onConnected: (i: IntegrationView) => void }) {
  const qc = useQueryClient();
  const [f, setF] = useState<Fields>({ authMethod: 'basic' });
  const [errors, setErrors] = useState<Fields>({});
  const set = (k: string) => (e: { currentTarget: { value: string } }) => {
    // Read now: the event's currentTarget is gone by the time React runs the updater.
    const value = e.currentTarget.value;
    setF((prev) => ({ ...prev, [k]: value }));
  };

  const isSn = app === 'servicenow';
  const oauth = isSn && f.authMethod === 'oauth';
  const needed = ['name', 'baseUrl', ...(isSn ? ['username', 'password', ...(oauth ? ['clientId', 'clientSecret'] : [])] : ['email', 'apiToken'])];

  const m = useMutation({
    mutationFn: () => {
      const body = isSn
        ? {
            type: 'servicenow',
            name: f.name,
            baseUrl: f.baseUrl,
            ...(f.adminEmail?.trim() ? { adminEmail: f.adminEmail } : {}),
            credentials: oauth
              ? { authMethod: 'oauth', clientId: f.clientId, clientSecret: f.clientSecret, username: f.username, password: f.password }
              : { authMethod: 'basic', username: f.username, password: f.password },
          }
        : { type: 'jira_cloud', name: f.name, baseUrl: f.baseUrl, credentials: { email: f.email, apiToken: f.apiToken } };
      return post<IntegrationView>('/integrations', body);
    },
    onSuccess: (i) => {
      void qc.invalidateQueries({ queryKey: integrationsKey });
      notifySuccess(undefined, `${i.name} is connected.`);
      setF({ authMethod: 'basic' });
      onConnected(i);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const errs: Fields = {};
    for (const k of needed) if (!f[k]?.trim()) errs[k] = required[k];
    setErrors(errs);
    if (Object.keys(errs).length === 0) m.mutate();
  };
  const fieldErr = (k: string) => errors[k];
  const apiErr = m.error;
  const fieldIssues = apiErr instanceof ApiError && Array.isArray(apiErr.details) ? (apiErr.details as { field: string | null; message: string }[]) : [];

  return (
    <Modal opened={opened} onClose={m.isPending ? () => undefined : onClose} title={isSn ? 'Connect ServiceNow' : 'Connect Jira Cloud'} size="lg" centered>
      <form onSubmit={submit} noValidate>
        <Stack>
          <TextInput
            label="Integration Name"
            description="The tenant name shown as the Integration in every drop-down. Unique in your organization."
            placeholder={isSn ? 'snowtest' : 'jira-prod'}
            value={f.name ?? ''}
            onChange={set('name')}
            error={fieldErr('name')}
            required
            data-autofocus
          />
          <TextInput
            label={isSn ? 'Instance URL' : 'Atlassian site URL'}
            placeholder={isSn ? 'https://your-instance.service-now.com' : 'https://your-company.atlassian.net'}
            value={f.baseUrl ?? ''}
            onChange={set('baseUrl')}
            error={fieldErr('baseUrl')}
            required
          />
          {isSn ? (
            <>
              <Stack gap={4}>
                <Text size="sm" fw={500} id="auth-method-label">
                  Authentication method
                </Text>
                <SegmentedControl
                  aria-labelledby="auth-method-label"
                  value={f.authMethod}
                  onChange={(v) => setF((p) => ({ ...p, authMethod: v }))}
                  data={[
                    { value: 'basic', label: 'Basic' },
                    { value: 'oauth', label: 'OAuth 2.0' },
                  ]}
                />
              </Stack>
              {oauth ? (
                <>
                  <TextInput label="Client ID" value={f.clientId ?? ''} onChange={set('clientId')} error={fieldErr('clientId')} required autoComplete="off" />
                  <PasswordInput label="Client Secret" value={f.clientSecret ?? ''} onChange={set('clientSecret')} error={fieldErr('clientSecret')} required autoComplete="new-password" />
                </>
              ) : null}
              <TextInput label="User ID" value={f.username ?? ''} onChange={set('username')} error={fieldErr('username')} required autoComplete="off" />
              <PasswordInput label="User Password" value={f.password ?? ''} onChange={set('password')} error={fieldErr('password')} required autoComplete="new-password" />
              <TextInput label="Admin Email ID" placeholder="servicenow.admin@example.com" value={f.adminEmail ?? ''} onChange={set('adminEmail')} />
            </>
          ) : (
            <>
              <TextInput label="Account email" placeholder="integration@example.com" value={f.email ?? ''} onChange={set('email')} error={fieldErr('email')} required autoComplete="off" />
              <PasswordInput label="API token" value={f.apiToken ?? ''} onChange={set('apiToken')} error={fieldErr('apiToken')} required autoComplete="new-password" />
            </>
          )}
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
          <FormButtons submitLabel={oauth ? 'Authorize' : 'Connect'} onCancel={onClose} busy={m.isPending} cancelDisabled={m.isPending} />
          <Text size="xs" c="dimmed">
            The credentials are checked against {isSn ? 'ServiceNow' : 'Jira Cloud'} before anything is saved, stored encrypted, and never shown again.
          </Text>
        </Stack>
      </form>
    </Modal>
  );
}
