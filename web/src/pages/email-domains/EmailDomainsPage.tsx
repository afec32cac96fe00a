import { useState } from 'react';
import { Alert, Badge, Button, Menu, Text } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { notifyError, notifySuccess } from '../../components/notify';
import { RowActionsMenu } from '../../components/table';
import { AddDomainWizard } from './AddDomainWizard';
import { STATUS_COLORS, useDeleteEmailDomain, useDomainAction, useEmailDomains, useRevertDefault, type EmailDomainView } from './api';

/** Setup > Custom Email Domains (PRODUCT.md §18): the domains notification mail may be sent from. */
export function EmailDomainsPage() {
  const { can } = useAuth();
  const canEdit = can('Account Settings', 'edit');
  const q = useEmailDomains();
  const [wizard, setWizard] = useState<{ domain: EmailDomainView | null } | null>(null);
  const verify = useDomainAction('verify', {
    onSuccess: (d) =>
      d.status === 'success'
        ? notifySuccess('Verified', `${d.domain}'s DNS records are published.`)
        : notifyError('Verification failed', new Error(d.lastError ?? '')),
    onError: (err) => notifyError('Could not verify', err),
  });
  const regenerate = useConfirmAction(
    useDomainAction('regenerate', {
      onSuccess: (d) => {
        notifySuccess('DNS records regenerated', `Publish the new records of ${d.domain} within 72 hours.`);
        setWizard({ domain: d });
      },
      onError: (err) => notifyError('Could not regenerate the DNS records', err),
    }),
  );
  const makeDefault = useDomainAction('make-default', {
    onSuccess: (d) => notifySuccess('Default email domain', `Notification mail is now sent from ${d.fromAddress}.`),
    onError: (err) => notifyError('Could not make the domain default', err),
  });
  const remove = useConfirmAction(
    useDeleteEmailDomain({
      onSuccess: (_v, d) => notifySuccess('Domain deleted', `${d.domain} was deleted.`),
      onError: (err) => notifyError('Could not delete the domain', err),
    }),
  );
  const revert = useConfirmAction(
    useRevertDefault({
      onSuccess: (l) => notifySuccess('Reverted to the default domain', `Notification mail is sent from ${l.platformFrom ?? 'the server sender'} again.`),
      onError: (err) => notifyError('Could not revert to the default domain', err),
    }),
  );

  const items = q.data?.items ?? [];
  const inUse = items.find((d) => d.status === 'in_use') ?? null;
  const actions = (d: EmailDomainView) => (
    <RowActionsMenu
      label={`Actions for ${d.domain}`}
      loading={(verify.isPending && verify.variables?.id === d.id) || (makeDefault.isPending && makeDefault.variables?.id === d.id)}
    >
      <Menu.Item onClick={() => setWizard({ domain: d })}>View DNS records</Menu.Item>
      {canEdit && (
        <>
          {(d.status === 'pending' || d.status === 'failed') && <Menu.Item onClick={() => verify.mutate(d)}>Verify</Menu.Item>}
          {d.status !== 'success' && d.status !== 'in_use' && <Menu.Item onClick={() => regenerate.ask(d)}>Regenerate DNS records</Menu.Item>}
          {d.status === 'success' && <Menu.Item onClick={() => makeDefault.mutate(d)}>Make Default</Menu.Item>}
          {d.status !== 'in_use' && (
            <Menu.Item color="red" onClick={() => remove.ask(d)}>
              Delete
            </Menu.Item>
          )}
        </>
      )}
    </RowActionsMenu>
  );

  return (
    <>
      <PageHeader
        title="Custom Email Domains"
        description="Send notification mail from your own domain: add it, publish the DNS records shown within 72 hours, verify, then make it default."
        actions={
          canEdit ? (
            <>
              {inUse && (
                <Button variant="default" onClick={() => revert.ask(inUse)}>
                  Revert to default domain
                </Button>
              )}
              <Button onClick={() => setWizard({ domain: null })}>Add Domain</Button>
            </>
          ) : null
        }
      />
      {q.data && (
        <Alert color={inUse ? 'blue' : 'gray'} mb="md" role="status" data-testid="current-sender">
          Notification mail is sent from <b>{inUse ? inUse.fromAddress : (q.data.platformFrom ?? 'the server sender (not set up)')}</b>
          {inUse ? `, signed for ${inUse.domain}.` : ' (the default domain).'}
        </Alert>
      )}
      {q.isLoading ? (
        <Loading label="Loading email domains…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !items.length ? (
        <EmptyState title="No custom email domains">
          {canEdit ? 'Add Domain to send notification mail from your own domain.' : 'No custom email domains have been added.'}
        </EmptyState>
      ) : (
        <DataList
          label="Custom email domains"
          items={items}
          rowKey={(d) => d.id}
          rowTestId={(d) => `email-domain-row-${d.domain}`}
          minWidth={860}
          cardCols={2}
          cardTitle={(d) => (
            <Text fw={600} size="sm">
              {d.domain}
            </Text>
          )}
          cardActions={actions}
          columns={[
            { header: 'Domain Name', cell: (d) => d.domain, card: null },
            { header: 'Envelope Sender', cell: (d) => d.envelopeDomain },
            { header: 'Originating Email', cell: (d) => d.fromAddress },
            {
              header: 'Status',
              cell: (d) => (
                <Badge color={STATUS_COLORS[d.status]} title={d.lastError ?? undefined}>
                  {d.statusLabel}
                </Badge>
              ),
            },
            { header: 'Records Expire', cell: (d) => (d.status === 'success' || d.status === 'in_use' ? '—' : <DateTime value={d.expiresAt} />) },
            { header: 'Created', cell: (d) => <DateTime value={d.createdAt} /> },
            { header: 'Actions', width: 90, cell: actions, card: null },
          ]}
        />
      )}
      <AddDomainWizard opened={wizard !== null} domain={wizard?.domain ?? null} onClose={() => setWizard(null)} />
      <ConfirmDialog {...regenerate.dialog} title="Regenerate DNS records" confirmLabel="Regenerate" color="blue">
        Generate a new DKIM key and verification token for <b>{regenerate.target?.domain}</b>? The records published so far stop counting; publish the new ones
        within 72 hours.
      </ConfirmDialog>
      <ConfirmDialog {...remove.dialog} title="Delete email domain" confirmLabel="Delete">
        Delete <b>{remove.target?.domain}</b> and its DKIM key? This cannot be undone.
      </ConfirmDialog>
      <ConfirmDialog {...revert.dialog} title="Revert to default domain" confirmLabel="Revert" color="blue">
        Send notification mail from {q.data?.platformFrom ?? 'the server sender'} again instead of <b>{revert.target?.fromAddress}</b>?
      </ConfirmDialog>
    </>
  );
}
