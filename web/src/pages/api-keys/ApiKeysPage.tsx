import { useState, type FormEvent } from 'react';
import { ActionIcon, Alert, Badge, Button, Code, CopyButton, Group, Radio, Stack, Table, Text, TextInput, Tooltip } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Dialog } from '../../components/Dialog';
import { del, get, post } from '../../api/client';
import type { ApiKeyView } from '../../api/types';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { RoleSelect } from '../../components/RoleSelect';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors, useNarrow } from '../../components/table';
import { IconTrash } from '../../components/icons';

/** `id_secret`: a key id + secret pair for the compatible API (docs/compatible-api.md), exchanged for tokens. */
type KeyKind = 'bearer' | 'id_secret';
type KeyRow = ApiKeyView & { kind?: KeyKind; keyId?: string | null };
type Created = KeyRow & { key?: string; keySecret?: string };

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

function CreateKeyModal({ opened, onClose }: { opened: boolean; onClose(): void }) {
  const qc = useQueryClient();
  const narrow = useNarrow();
  const { can } = useAuth();
  const [name, setName] = useState('');
  const [roleId, setRoleId] = useState('');
  const [kind, setKind] = useState<KeyKind>('bearer');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [created, setCreated] = useState<Created | null>(null);

  const create = useMutation({
    mutationFn: () => post<Created>('/api-keys', { name: name.trim(), roleId: Number(roleId), kind }),
    onSuccess: (k) => {
      setCreated(k);
      notifySuccess('API key created', `Copy the ${k.keySecret ? 'secret' : 'key'} for ${k.name} now; it is not shown again.`);
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
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
    if (!Object.keys(errs).length) create.mutate();
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
              onChange={(v) => setKind(v as KeyKind)}
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

export function ApiKeysPage() {
  const { can } = useAuth();
  const canEdit = can('API Management', 'edit');
  const qc = useQueryClient();
  const q = useQuery({ queryKey: ['api-keys'], queryFn: () => get<{ items: KeyRow[] }>('/api-keys') });
  const [creating, setCreating] = useState(false);
  const revoke = useConfirmAction({
    mutationFn: (k: KeyRow) => del(`/api-keys/${k.id}`),
    onSuccess: (_v, k) => {
      notifySuccess('API key revoked', `${k.name} (${k.prefix}…) no longer works.`);
      void qc.invalidateQueries({ queryKey: ['api-keys'] });
    },
    onError: (err) => notifyError('Could not revoke the key', err),
  });
  const revoking = revoke.target;

  return (
    <>
      <PageHeader
        title="API Keys"
        description="Keys for machine access: Bearer keys for this API, or key ID and secret pairs for the compatible API. Each key acts with the permissions of its role."
        actions={canEdit ? <Button onClick={() => setCreating(true)}>Create API Key</Button> : null}
      />
      {q.isLoading ? (
        <Loading label="Loading API keys…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No API keys">{canEdit ? 'Create a key to let another system use the API.' : 'No keys have been created.'}</EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover aria-label="API keys">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Key</Table.Th>
                <Table.Th>Role</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Last Used</Table.Th>
                {canEdit ? <Table.Th w={90}>Actions</Table.Th> : null}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {q.data.items.map((k) => (
                <Table.Tr key={k.id} data-testid={`api-key-row-${k.name}`}>
                  <Table.Td>{k.name}</Table.Td>
                  <Table.Td>
                    {k.kind === 'id_secret' ? (
                      <Group gap={6} wrap="nowrap">
                        <Code>{k.keyId}</Code>
                        <Badge size="sm" variant="light">
                          Key ID and secret
                        </Badge>
                      </Group>
                    ) : (
                      <Code>{k.prefix}…</Code>
                    )}
                  </Table.Td>
                  <Table.Td>{k.roleName}</Table.Td>
                  <Table.Td>
                    <DateTime value={k.createdAt} />
                  </Table.Td>
                  <Table.Td>
                    {k.lastUsedAt ? (
                      <DateTime value={k.lastUsedAt} />
                    ) : (
                      <Text span size="sm" c="dimmed">
                        Never
                      </Text>
                    )}
                  </Table.Td>
                  {canEdit ? (
                    <Table.Td>
                      <Tooltip label="Revoke">
                        <ActionIcon variant="subtle" color="red" aria-label={`Revoke ${k.name}`} onClick={() => revoke.ask(k)}>
                          <IconTrash />
                        </ActionIcon>
                      </Tooltip>
                    </Table.Td>
                  ) : null}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <CreateKeyModal opened={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog {...revoke.dialog} title="Revoke API key" confirmLabel="Revoke">
        Revoke <b>{revoking?.name}</b> ({revoking?.prefix}…)? Systems using it get 401 from now on. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
