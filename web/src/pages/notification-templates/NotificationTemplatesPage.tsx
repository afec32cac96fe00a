import { useState, type FormEvent } from 'react';
import { Badge, Button, Menu, Select, Stack, Text, TextInput } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Link, useNavigate } from 'react-router';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { Dialog } from '../../components/Dialog';
import { Paginator } from '../../components/Paginator';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { usePaging } from '../../components/listState';
import { notifyError, notifySuccess } from '../../components/notify';
import { ListToolbar, RowActionsMenu } from '../../components/table';
import { MessagePreview } from './Preview';
import {
  CHANNEL_LABELS,
  CHANNELS,
  FAMILIES,
  FAMILY_LABELS,
  LANGUAGE_LABELS,
  LANGUAGES,
  STATUS_LABELS,
  STATUSES,
  useCopyTemplate,
  useDeleteTemplate,
  useTemplatePreview,
  useTemplates,
  type TemplateStatus,
  type TemplateSummary,
} from './api';

const STATUS_COLOR: Record<TemplateStatus, string> = { draft: 'gray', published: 'green', system_default: 'blue' };
const languageLabel = (l: string) => LANGUAGE_LABELS[l as keyof typeof LANGUAGE_LABELS] ?? l;
const options = <K extends string>(keys: readonly K[], labels: Record<K, string>) => keys.map((k) => ({ value: k, label: labels[k] }));

export function StatusBadge({ status }: { status: TemplateStatus }) {
  return (
    <Badge color={STATUS_COLOR[status]} variant="light">
      {STATUS_LABELS[status]}
    </Badge>
  );
}

function PreviewDialog({ template, onClose }: { template: TemplateSummary | null; onClose(): void }) {
  const q = useTemplatePreview(template?.id ?? null);
  return (
    <Dialog opened={!!template} onClose={onClose} title={template ? `Preview: ${template.name}` : 'Preview'} size="xl">
      {q.isLoading ? (
        <Loading label="Rendering with the sample incident…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : q.data && template ? (
        <MessagePreview message={q.data} channel={template.channel} />
      ) : null}
    </Dialog>
  );
}

/** Translate (pick another language) or Clone (optional new name): both make a Draft copy, then open it in the editor. */
function CopyDialog({ source, mode, onClose }: { source: TemplateSummary | null; mode: 'translate' | 'clone'; onClose(): void }) {
  const navigate = useNavigate();
  const [language, setLanguage] = useState<string | null>(null);
  const [name, setName] = useState('');
  const m = useCopyTemplate({
    onSuccess: (t) => {
      notifySuccess(mode === 'translate' ? 'Template translated' : 'Template cloned', `${t.name} was added as a draft.`);
      close();
      void navigate(`/setup/notification-templates/${t.id}`);
    },
    onError: (err) => notifyError(mode === 'translate' ? 'Could not translate the template' : 'Could not clone the template', err),
  });
  function close() {
    setLanguage(null);
    setName('');
    m.reset();
    onClose();
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!source || (mode === 'translate' && !language)) return;
    m.mutate({ id: source.id, language: mode === 'translate' ? language! : undefined, name: name.trim() || undefined });
  }
  return (
    <Dialog opened={!!source} onClose={close} title={mode === 'translate' ? 'Translate Template' : 'Clone Template'}>
      <form onSubmit={submit}>
        <Stack>
          <Text size="sm">
            {mode === 'translate' ? 'A draft copy of ' : 'A draft copy of '}
            <b>{source?.name}</b>
            {mode === 'translate' ? ' in the language you pick; translate its texts, then publish it.' : ' in the same language.'}
          </Text>
          {mode === 'translate' ? (
            <Select
              label="Language"
              required
              data={LANGUAGES.filter((l) => l !== source?.language).map((l) => ({ value: l, label: LANGUAGE_LABELS[l] }))}
              value={language}
              onChange={setLanguage}
              data-autofocus
            />
          ) : null}
          <TextInput
            label="Template Name"
            description="Optional; a name is made up from the original's."
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={120}
          />
          <FormError error={m.error} />
          <FormButtons
            submitLabel={mode === 'translate' ? 'Translate' : 'Clone'}
            onCancel={close}
            busy={m.isPending}
            submitDisabled={mode === 'translate' && !language}
          />
        </Stack>
      </form>
    </Dialog>
  );
}

export function NotificationTemplatesPage() {
  const { can } = useAuth();
  const canEdit = can('Notification Templates', 'edit');
  const navigate = useNavigate();
  const [family, setFamily] = useState<string | null>(null);
  const [channel, setChannel] = useState<string | null>(null);
  const [language, setLanguage] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [debounced] = useDebouncedValue(search.trim(), 200);
  const { page, pageSize, setPage, paginator } = usePaging(25);
  const q = useTemplates({
    family: family ?? undefined,
    channel: channel ?? undefined,
    language: language ?? undefined,
    status: status ?? undefined,
    search: debounced || undefined,
    page,
    pageSize,
  });
  const [previewing, setPreviewing] = useState<TemplateSummary | null>(null);
  const [copying, setCopying] = useState<{ t: TemplateSummary; mode: 'translate' | 'clone' } | null>(null);
  const remove = useConfirmAction(
    useDeleteTemplate({
      onSuccess: (_v, t) => notifySuccess('Template deleted', `${t.name} was deleted.`),
      onError: (err) => notifyError('Could not delete the template', err),
    }),
  );
  const filter = (set: (v: string | null) => void) => (v: string | null) => {
    set(v);
    setPage(1);
  };
  const filtered = !!(family || channel || language || status || debounced);

  return (
    <>
      <PageHeader
        title="Notification Templates"
        description="The messages sent to end users, managers, approvers and admins, per family, channel and language. System Default templates can be viewed, cloned and translated."
        actions={
          canEdit ? (
            <Button component={Link} to="/setup/notification-templates/new" data-testid="add-template">
              Add Template
            </Button>
          ) : null
        }
      />
      <ListToolbar readOnlyNote={canEdit ? null : 'Your role can view templates but not change them.'}>
        <TextInput label="Search" placeholder="Template name" value={search} onChange={(e) => (setSearch(e.currentTarget.value), setPage(1))} w={220} />
        <Select
          label="Template Family"
          placeholder="All"
          clearable
          data={options(FAMILIES, FAMILY_LABELS)}
          value={family}
          onChange={filter(setFamily)}
          w={220}
        />
        <Select label="Type" placeholder="All" clearable data={options(CHANNELS, CHANNEL_LABELS)} value={channel} onChange={filter(setChannel)} w={140} />
        <Select
          label="Language"
          placeholder="All"
          clearable
          data={options(LANGUAGES, LANGUAGE_LABELS)}
          value={language}
          onChange={filter(setLanguage)}
          w={160}
        />
        <Select label="Status" placeholder="All" clearable data={options(STATUSES, STATUS_LABELS)} value={status} onChange={filter(setStatus)} w={170} />
      </ListToolbar>
      {q.isLoading ? (
        <Loading label="Loading templates…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title={filtered ? 'No matching templates' : 'No templates'}>
          {filtered ? 'No template matches these filters. Clear a filter to see more.' : 'The System Default templates appear here.'}
        </EmptyState>
      ) : (
        <>
          <DataList
            label="Notification templates"
            items={q.data.items}
            rowKey={(t) => t.id}
            rowTestId={(t) => `template-${t.id}`}
            minWidth={820}
            busy={q.isFetching}
            cardTitle={(t) => t.name}
            cardActions={(t) => actions(t)}
            columns={[
              { header: 'Template Name', cell: (t) => <Link to={`/setup/notification-templates/${t.id}`}>{t.name}</Link>, card: null },
              { header: 'Template Family', cell: (t) => FAMILY_LABELS[t.family] },
              { header: 'Type', cell: (t) => CHANNEL_LABELS[t.channel] },
              { header: 'Language', cell: (t) => languageLabel(t.language) },
              { header: 'Last Modified', cell: (t) => <DateTime value={t.updatedAt} /> },
              { header: 'Status', cell: (t) => <StatusBadge status={t.status} /> },
              { header: 'Actions', cell: (t) => actions(t), card: null, width: 70 },
            ]}
          />
          <Paginator noun="templates" {...paginator} total={q.data.total} />
        </>
      )}
      <PreviewDialog template={previewing} onClose={() => setPreviewing(null)} />
      <CopyDialog source={copying?.t ?? null} mode={copying?.mode ?? 'clone'} onClose={() => setCopying(null)} />
      <ConfirmDialog {...remove.dialog} title="Delete Template" confirmLabel="Delete">
        Delete the draft template <b>{remove.target?.name}</b>? This cannot be undone.
      </ConfirmDialog>
    </>
  );

  function actions(t: TemplateSummary) {
    return (
      <RowActionsMenu label={`Actions for ${t.name}`}>
        <Menu.Item onClick={() => setPreviewing(t)}>View/Preview</Menu.Item>
        {canEdit && t.status !== 'system_default' ? <Menu.Item onClick={() => void navigate(`/setup/notification-templates/${t.id}`)}>Edit</Menu.Item> : null}
        {canEdit ? <Menu.Item onClick={() => setCopying({ t, mode: 'translate' })}>Translate</Menu.Item> : null}
        {canEdit ? <Menu.Item onClick={() => setCopying({ t, mode: 'clone' })}>Clone</Menu.Item> : null}
        {canEdit && t.status === 'draft' ? (
          <Menu.Item color="red" onClick={() => remove.ask(t)}>
            Delete
          </Menu.Item>
        ) : null}
      </RowActionsMenu>
    );
  }
}
