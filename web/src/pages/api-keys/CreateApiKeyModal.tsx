import { useState, type FormEvent } from 'react';
import { Alert, Button, Code, CopyButton, Group, Radio, Stack, Text, TextInput } from '@mantine/core';
import { useAuth } from '../../auth';
import { Dialog } from '../../components/Dialog';
import { FormButtons, FormError } from '../../components/forms';
import { RoleSelect } from '../../components/RoleSelect';
import { notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { useCreateApiKey, type ApiKeyKind, type CreatedApiKey } from './api';

/** A secret shown once, with its Copy button. */
function ShownOnce({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <Stack gap={4}>
      <Text size="sm" fw={500}>
        {label}
      </Text>
      <Group gap="xs" wrap="nowrap" align="stretch">
        <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid={testId}>
          {value}
        </Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <Button color={copied ? 'teal' : 'indigo'} onClick={copy} variant={copied ? 'filled' : 'light'} aria-label={`Copy ${label}`}>
              {copied ? 'Copied' : 'Copy'}
            </Button>
          )}
        </CopyButton>
      </Group>
    </Stack>
  );
}

/** Create API Key (a Bearer key, or a key ID and secret for the compatible API), then the secret, shown this one time. */
export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const { can } = useAuth();
  const [name, setName] = useState('');
  const [roleId, setRoleId] = useState('');
  const [kind, setKind] = useState<ApiKeyKind>('bearer');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const create = useCreateApiKey({
    onSuccess: (k) => {
      setCreated(k);
      notifySuccess('API key created', `Copy the ${k.keySecret ? 'secret' : 'key'} for ${k.name} now; it is not shown again.`);
    },
    onError: (err) => setErrors(fieldErrors(err)),
  });

  function close() {
    setName('');
    setRoleId('');
    setKind('bearer');
    setErrors({});
    setCreated(null);
    create.reset();
    onClose();
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!name.trim()) errs.name = 'Name is required.';
    else if (name.trim().length > 100) errs.name = 'Name must be at most 100 characters.';
    if (!roleId) errs.roleId = 'Choose the role the key acts with.';
    setErrors(errs);
    if (!Object.keys(errs).length) create.mutate({ name: name.trim(), roleId: Number(roleId), kind });
  }

  const roleCannotList = !can('Account Settings', 'view');

  return (
    <Dialog
      opened={opened}
      onClose={close}
      title={created ? 'API key created' : 'Create API Key'}
      size="lg"
      fullScreen={narrow}
      centered={!narrow}
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack>
          <Alert color="orange" title={created.keySecret ? 'Copy this secret now' : 'Copy this key now'} role="alert">
            This is the only time the {created.keySecret ? 'secret' : 'key'} is shown. It is stored hashed and cannot be recovered; if you lose it, revoke the
            key and create a new one.
          </Alert>
          {created.keySecret && created.keyId ? (
            <>
              <Text size="sm">
                Key id and secret for <b>{created.name}</b> (role {created.roleName}). Scripts written for the compatible API send them as <Code>key_id</Code>{' '}
                and <Code>key_secret</Code> to <Code>POST /v1/auth/api-key/token</Code>.
              </Text>
              <ShownOnce label="Key ID" value={created.keyId} testId="new-api-key-id" />
              <ShownOnce label="Secret" value={created.keySecret} testId="new-api-key-secret" />
            </>
          ) : (
            <>
              <Text size="sm">
                Key for <b>{created.name}</b> (role {created.roleName}). Send it as <Code>Authorization: Bearer &lt;key&gt;</Code>.
              </Text>
              <ShownOnce label="Key" value={created.key ?? ''} testId="new-api-key" />
            </>
          )}
          <Group justify="flex-end">
            <Button onClick={close}>{created.keySecret ? 'I have copied the secret' : 'I have copied the key'}</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <FormError error={create.isError && !Object.keys(fieldErrors(create.error)).length ? create.error : null} />
            <TextInput
              label="Name"
              description="What uses this key, e.g. SIEM export."
              required
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              error={errors.name}
              maxLength={100}
              data-autofocus
            />
            <Radio.Group
              label="Kind"
              description="How the key is sent: as a Bearer key to this API, or as a key id and secret exchanged for tokens by scripts written for the compatible API."
              value={kind}
              onChange={(v) => setKind(v as ApiKeyKind)}
            >
              <Stack gap={6} mt={6}>
                <Radio value="bearer" label="Bearer key" />
                <Radio value="id_secret" label="Key ID and secret (compatible API)" />
              </Stack>
            </Radio.Group>
            <RoleSelect
              description="The key can do what this role allows."
              value={roleId}
              onChange={setRoleId}
              error={errors.roleId}
              enabled={opened && !roleCannotList}
              unavailable={roleCannotList ? 'Your role cannot list roles (Account Settings: View is needed).' : undefined}
            />
            <FormButtons submitLabel="Create" onCancel={close} busy={create.isPending} />
          </Stack>
        </form>
      )}
    </Dialog>
  );
}
