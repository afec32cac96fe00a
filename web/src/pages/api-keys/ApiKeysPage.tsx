import { useState } from 'react';
import { ActionIcon, Badge, Button, Code, Group, Text, Tooltip } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { IconTrash } from '../../components/icons';
import { notifyError, notifySuccess } from '../../components/notify';
import { CreateApiKeyModal } from './CreateApiKeyModal';
import { useApiKeys, useRevokeApiKey, type ApiKeyRow } from './api';

export function ApiKeysPage() {
  const { can } = useAuth();
  const canEdit = can('API Management', 'edit');
  const q = useApiKeys();
  const [creating, setCreating] = useState(false);
  const revoke = useConfirmAction(
    useRevokeApiKey({
      onSuccess: (_v, k) => notifySuccess('API key revoked', `${k.name} (${k.prefix}…) no longer works.`),
      onError: (err) => notifyError('Could not revoke the key', err),
    }),
  );
  const revokeButton = (k: ApiKeyRow) => (
    <Tooltip label="Revoke">
      <ActionIcon variant="subtle" color="red" aria-label={`Revoke ${k.name}`} onClick={() => revoke.ask(k)}>
        <IconTrash />
      </ActionIcon>
    </Tooltip>
  );
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
        <DataList
          label="API keys"
          items={q.data.items}
          rowKey={(k) => k.id}
          rowTestId={(k) => `api-key-row-${k.name}`}
          minWidth={760}
          cardCols={2}
          cardTitle={(k) => (
            <Text fw={600} size="sm">
              {k.name}
            </Text>
          )}
          cardActions={canEdit ? revokeButton : undefined}
          columns={[
            { header: 'Name', cell: (k) => k.name, card: null },
            {
              header: 'Key',
              cell: (k) =>
                k.kind === 'id_secret' ? (
                  <Group gap={6} wrap="nowrap">
                    <Code>{k.keyId}</Code>
                    <Badge size="sm" variant="light">
                      Key ID and secret
                    </Badge>
                  </Group>
                ) : (
                  <Code>{k.prefix}…</Code>
                ),
            },
            { header: 'Role', cell: (k) => k.roleName },
            { header: 'Created', cell: (k) => <DateTime value={k.createdAt} /> },
            {
              header: 'Created By',
              cell: (k) =>
                k.createdBy ? (
                  <Group gap={6} wrap="nowrap">
                    <span>{k.createdBy.name}</span>
                    {k.createdBy.status === 'disabled' && (
                      <Badge size="sm" color="gray" variant="light" title="The key keeps working: it belongs to the org. Revoke it if it should not.">
                        Disabled
                      </Badge>
                    )}
                  </Group>
                ) : (
                  <Text span size="sm" c="dimmed">
                    Deleted admin
                  </Text>
                ),
            },
            {
              header: 'Last Used',
              cell: (k) =>
                k.lastUsedAt ? (
                  <DateTime value={k.lastUsedAt} />
                ) : (
                  <Text span size="sm" c="dimmed">
                    Never
                  </Text>
                ),
            },
            canEdit && { header: 'Actions', width: 90, cell: revokeButton, card: null },
          ]}
        />
      )}
      <CreateApiKeyModal opened={creating} onClose={() => setCreating(false)} />
      <ConfirmDialog {...revoke.dialog} title="Revoke API key" confirmLabel="Revoke">
        Revoke <b>{revoking?.name}</b> ({revoking?.prefix}…)? Systems using it get 401 from now on. This cannot be undone.
      </ConfirmDialog>
    </>
  );
}
