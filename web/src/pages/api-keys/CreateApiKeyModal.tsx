import { useState, type FormEvent } from 'react';
import { Alert, Button, Code, CopyButton, Group, Stack, Text, TextInput } from '@mantine/core';
import { useAuth } from '../../auth';
import { Dialog } from '../../components/Dialog';
import { FormButtons, FormError } from '../../components/forms';
import { RoleSelect } from '../../components/RoleSelect';
import { notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { useCreateApiKey, type CreatedApiKey } from './api';

/** Create API Key, then the key itself, shown this one time. */
export function CreateApiKeyModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const { can } = useAuth();
  const [name, setName] = useState('');
  const [roleId, setRoleId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<CreatedApiKey | null>(null);

  const create = useCreateApiKey({
    onSuccess: (k) => {
      setCreated(k);
      notifySuccess('API key created', `Copy the key for ${k.name} now; it is not shown again.`);
    },
    onError: (err) => setErrors(fieldErrors(err)),
  });

  function close() {
    setName('');
    setRoleId('');
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
    if (!Object.keys(errs).length) create.mutate({ name: name.trim(), roleId: Number(roleId) });
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
          <Alert color="orange" title="Copy this key now" role="alert">
            This is the only time the key is shown. It is stored hashed and cannot be recovered; if you lose it, revoke it and create a new one.
          </Alert>
          <Text size="sm">
            Key for <b>{created.name}</b> (role {created.roleName}). Send it as <Code>Authorization: Bearer &lt;key&gt;</Code>.
          </Text>
          <Group gap="xs" wrap="nowrap" align="stretch">
            <Code block style={{ flex: 1, wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="new-api-key">
              {created.key}
            </Code>
            <CopyButton value={created.key}>
              {({ copied, copy }) => (
                <Button color={copied ? 'teal' : 'indigo'} onClick={copy} variant={copied ? 'filled' : 'light'}>
                  {copied ? 'Copied' : 'Copy'}
                </Button>
              )}
            </CopyButton>
          </Group>
          <Group justify="flex-end">
            <Button onClick={close}>I have copied the key</Button>
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
