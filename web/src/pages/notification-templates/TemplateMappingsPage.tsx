import { useState, type FormEvent } from 'react';
import { Autocomplete, Button, Group, Menu, Select, Stack, Tabs, Text } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { Dialog } from '../../components/Dialog';
import { EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { RowActionsMenu, useNarrow } from '../../components/table';
import {
  CHANNEL_LABELS,
  CHANNELS,
  DIGEST_TYPES,
  INCIDENT_NOTIFICATION_TYPES,
  LANGUAGE_LABELS,
  NOTIFICATION_TYPE_LABELS,
  SOURCE_ACTIONS,
  SOURCE_TYPES,
  useDeleteMapping,
  useMappings,
  useSaveMapping,
  useTemplateChoices,
  type MappingView,
  type TemplateChannel,
} from './api';

type Tab = 'incident' | 'digest';
const FIELD: Record<TemplateChannel, 'emailTemplateId' | 'slackTemplateId' | 'teamsTemplateId'> = {
  email: 'emailTemplateId',
  slack: 'slackTemplateId',
  teams: 'teamsTemplateId',
};

function TemplatePick({
  family,
  channel,
  value,
  onChange,
}: {
  family: string;
  channel: TemplateChannel;
  value: string | null;
  onChange(v: string | null): void;
}) {
  const q = useTemplateChoices(family, channel);
  return (
    <Select
      label={`${CHANNEL_LABELS[channel]} template`}
      placeholder={q.isLoading ? 'Loading…' : 'None'}
      clearable
      data={(q.data ?? []).map((t) => ({
        value: String(t.id),
        label: `${t.name} (${LANGUAGE_LABELS[t.language as keyof typeof LANGUAGE_LABELS] ?? t.language})`,
      }))}
      value={value}
      onChange={onChange}
      error={q.isError ? 'The templates could not be loaded.' : undefined}
      description={channel === 'email' ? 'Published and System Default templates of the family.' : undefined}
    />
  );
}

function MappingDialog({ tab, row, opened, onClose }: { tab: Tab; row: MappingView | null; opened: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const [sourceDlpType, setSourceDlpType] = useState<string | null>('Inline');
  const [sourceAction, setSourceAction] = useState('');
  const [type, setType] = useState<string | null>(tab === 'incident' ? 'end_user' : 'digest');
  const [picks, setPicks] = useState<Record<TemplateChannel, string | null>>({ email: null, slack: null, teams: null });
  const [shownFor, setShownFor] = useState<{ row: MappingView | null; opened: boolean } | null>(null);
  if (!shownFor || shownFor.row !== row || shownFor.opened !== opened) {
    setShownFor({ row, opened });
    setSourceDlpType(row?.sourceDlpType ?? 'Inline');
    setSourceAction(row?.sourceAction ?? '');
    setType(row?.notificationType ?? (tab === 'incident' ? 'end_user' : 'digest'));
    setPicks({
      email: row?.email ? String(row.email.id) : null,
      slack: row?.slack ? String(row.slack.id) : null,
      teams: row?.teams ? String(row.teams.id) : null,
    });
  }
  const m = useSaveMapping(tab, row?.id ?? null, {
    onSuccess: () => {
      notifySuccess(row ? 'Mapping updated' : 'Mapping added', 'The notification templates of this row are saved.');
      close();
    },
    onError: (err) => notifyError('Could not save the mapping', err),
  });
  function close() {
    m.reset();
    onClose();
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const ids = Object.fromEntries(CHANNELS.map((c) => [FIELD[c], picks[c] ? Number(picks[c]) : null])) as Record<
      (typeof FIELD)[TemplateChannel],
      number | null
    >;
    m.mutate({
      ...(tab === 'incident' ? { sourceDlpType: sourceDlpType ?? 'Inline', sourceAction: sourceAction.trim() } : {}),
      notificationType: type!,
      ...ids,
    });
  }
  const types = tab === 'incident' ? INCIDENT_NOTIFICATION_TYPES : DIGEST_TYPES;
  return (
    <Dialog opened={opened} onClose={close} title={row ? 'Edit Mapping' : 'Add Mapping'} fullScreen={narrow}>
      <form onSubmit={submit}>
        <Stack>
          {tab === 'incident' ? (
            <>
              <Select
                label="Source DLP Type"
                required
                data={[...SOURCE_TYPES]}
                value={sourceDlpType}
                onChange={setSourceDlpType}
                disabled={!!row}
                allowDeselect={false}
              />
              <Autocomplete
                label="Source Action"
                description="Leave empty for any action. A row for the incident's exact action wins over the row for any action."
                data={[...SOURCE_ACTIONS]}
                value={sourceAction}
                onChange={setSourceAction}
                disabled={!!row}
                maxLength={60}
              />
            </>
          ) : null}
          <Select
            label="Notification Type"
            required
            data={types.map((t) => ({ value: t, label: NOTIFICATION_TYPE_LABELS[t] }))}
            value={type}
            onChange={(v) => (setType(v), setPicks({ email: null, slack: null, teams: null }))}
            disabled={!!row}
            allowDeselect={false}
          />
          {type
            ? CHANNELS.map((c) => (
                <TemplatePick key={`${type}-${c}`} family={type} channel={c} value={picks[c]} onChange={(v) => setPicks((p) => ({ ...p, [c]: v }))} />
              ))
            : null}
          <FormError error={m.error} />
          <FormButtons submitLabel={row ? 'Save' : 'Add'} onCancel={close} busy={m.isPending} submitDisabled={!CHANNELS.some((c) => picks[c])} />
        </Stack>
      </form>
    </Dialog>
  );
}

function MappingList({ tab, canEdit }: { tab: Tab; canEdit: boolean }) {
  const q = useMappings(tab);
  const [editing, setEditing] = useState<MappingView | null>(null);
  const [adding, setAdding] = useState(false);
  const remove = useConfirmAction(
    useDeleteMapping({
      onSuccess: () => notifySuccess('Mapping deleted', 'Notifications of this kind use the published template of their language, or the System Default.'),
      onError: (err) => notifyError('Could not delete the mapping', err),
    }),
  );
  const tpl = (t: MappingView['email']) =>
    t ? (
      <Text size="sm">
        {t.name}
        {t.status === 'draft' ? (
          <Text span c="orange" size="xs">
            {' '}
            (draft: not used)
          </Text>
        ) : null}
      </Text>
    ) : (
      <Text size="sm" c="dimmed">
        —
      </Text>
    );
  const describe = (m: MappingView) =>
    tab === 'incident'
      ? `${m.sourceDlpType} / ${m.sourceAction ?? 'any action'} / ${NOTIFICATION_TYPE_LABELS[m.notificationType]}`
      : NOTIFICATION_TYPE_LABELS[m.notificationType];
  return (
    <Stack gap="sm" pt="sm">
      <Group justify="space-between">
        <Text size="sm" c="dimmed">
          {tab === 'incident'
            ? 'Which templates an incident notification uses, by Source DLP Type, Source Action and Notification Type. Without a row, the published template of the language is used, then the System Default.'
            : 'Which templates the end-user and DLP admin digests use. Without a row, the published template of the language is used, then the System Default.'}
        </Text>
        {canEdit ? <Button onClick={() => setAdding(true)}>Add Mapping</Button> : null}
      </Group>
      {q.isLoading ? (
        <Loading label="Loading mappings…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No mappings yet">
          {canEdit ? 'Use "Add Mapping" to choose templates for some notifications.' : 'An admin with Edit on Template Mappings can add rows.'}
        </EmptyState>
      ) : (
        <DataList
          label={tab === 'incident' ? 'Incident template mappings' : 'Digest template mappings'}
          items={q.data.items}
          rowKey={(m) => m.id}
          minWidth={820}
          cardTitle={describe}
          cardActions={(m) => actions(m)}
          columns={[
            tab === 'incident' && { header: 'Source DLP Type', cell: (m) => m.sourceDlpType },
            tab === 'incident' && { header: 'Source Action', cell: (m) => m.sourceAction ?? 'Any' },
            { header: 'Notification Type', cell: (m) => NOTIFICATION_TYPE_LABELS[m.notificationType] },
            { header: 'Email', cell: (m) => tpl(m.email) },
            { header: 'Slack', cell: (m) => tpl(m.slack) },
            { header: 'Teams', cell: (m) => tpl(m.teams) },
            canEdit && { header: 'Actions', cell: (m) => actions(m), card: null, width: 70 },
          ]}
        />
      )}
      <MappingDialog tab={tab} row={editing} opened={adding || !!editing} onClose={() => (setAdding(false), setEditing(null))} />
      <ConfirmDialog {...remove.dialog} title="Delete Mapping" confirmLabel="Delete">
        Delete the mapping <b>{remove.target ? describe(remove.target) : ''}</b>?
      </ConfirmDialog>
    </Stack>
  );

  function actions(m: MappingView) {
    if (!canEdit) return null;
    return (
      <RowActionsMenu label={`Actions for ${describe(m)}`}>
        <Menu.Item onClick={() => setEditing(m)}>Edit</Menu.Item>
        <Menu.Item color="red" onClick={() => remove.ask(m)}>
          Delete
        </Menu.Item>
      </RowActionsMenu>
    );
  }
}

export function TemplateMappingsPage() {
  const { can } = useAuth();
  const canEdit = can('Template Mappings', 'edit');
  const [tab, setTab] = useState<string | null>('incident');
  return (
    <>
      <PageHeader title="Template Mappings" />
      <Tabs value={tab} onChange={setTab}>
        <Tabs.List>
          <Tabs.Tab value="incident">Incident</Tabs.Tab>
          <Tabs.Tab value="digest">Digest</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="incident">{tab === 'incident' ? <MappingList tab="incident" canEdit={canEdit} /> : null}</Tabs.Panel>
        <Tabs.Panel value="digest">{tab === 'digest' ? <MappingList tab="digest" canEdit={canEdit} /> : null}</Tabs.Panel>
      </Tabs>
    </>
  );
}
