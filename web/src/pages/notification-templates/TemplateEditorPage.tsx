import { useEffect, useState } from 'react';
import { Alert, Anchor, Button, Group, SimpleGrid, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useDebouncedValue } from '@mantine/hooks';
import { Link, useNavigate, useParams } from 'react-router';
import { useAuth } from '../../auth';
import { EmptyState, ErrorState, Loading, PageHeader, errorMessage } from '../../components/common';
import { FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors } from '../../components/table';
import { MessagePreview, VariablesPanel } from './Preview';
import { StatusBadge } from './NotificationTemplatesPage';
import {
  CHANNEL_LABELS,
  CHANNELS,
  FAMILIES,
  FAMILY_LABELS,
  LANGUAGE_LABELS,
  LANGUAGES,
  useLivePreview,
  useSaveTemplate,
  useTemplate,
  type TemplateChannel,
  type TemplateFamily,
  type TemplateView,
} from './api';

type Draft = { name: string; family: TemplateFamily; channel: TemplateChannel; language: string; subject: string; body: string };
const EMPTY: Draft = { name: '', family: 'end_user', channel: 'email', language: 'en', subject: '', body: '' };
const EMAIL_STARTER = `<mjml>
  <mj-body>
    <mj-section>
      <mj-column>
        <mj-text>Hello {{ recipientName }},</mj-text>
        <mj-button href="{{ surveyUrl }}">Give a justification</mj-button>
      </mj-column>
    </mj-section>
  </mj-body>
</mjml>
`;

/** Add Template / Edit (Save as Draft, Publish Template) with a live preview; a System Default opens read-only. */
export function TemplateEditorPage() {
  const params = useParams();
  const id = params.id && params.id !== 'new' ? Number(params.id) : null;
  const q = useTemplate(id);
  if (id !== null && q.isLoading) return <Loading label="Loading the template…" />;
  if (id !== null && q.isError) return <ErrorState error={q.error} onRetry={() => void q.refetch()} />;
  if (id !== null && !q.data) return <EmptyState title="Template not found" />;
  return <Editor key={id ?? 'new'} template={q.data ?? null} />;
}

function Editor({ template }: { template: TemplateView | null }) {
  const { can } = useAuth();
  const navigate = useNavigate();
  const readOnly = !can('Notification Templates', 'edit') || template?.status === 'system_default';
  const [d, setD] = useState<Draft>(() =>
    template ? { ...template } : { ...EMPTY, subject: 'Please justify a data protection incident', body: EMAIL_STARTER },
  );
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => setD((x) => ({ ...x, [k]: v }));
  const [debounced] = useDebouncedValue(d, 400);
  const preview = useLivePreview({ family: debounced.family, channel: debounced.channel, subject: debounced.subject, body: debounced.body });
  useEffect(() => setErrors({}), [d]);

  const save = useSaveTemplate(template?.id ?? null, {
    onSuccess: (t, input) => {
      notifySuccess(
        input.status === 'published' ? 'Template published' : 'Draft saved',
        `${t.name} was saved${input.status === 'published' ? ' and published' : ' as a draft'}.`,
      );
      if (!template) void navigate(`/setup/notification-templates/${t.id}`, { replace: true });
    },
    onError: (err) => {
      setErrors(fieldErrors(err));
      notifyError('Could not save the template', err);
    },
  });
  function submit(status: 'draft' | 'published') {
    const body = template
      ? { name: d.name, language: d.language, subject: d.subject, body: d.body, status }
      : { name: d.name, family: d.family, channel: d.channel, language: d.language, subject: d.subject, body: d.body, status };
    save.mutate(body);
  }

  return (
    <>
      <PageHeader
        title={template ? (readOnly ? template.name : `Edit ${template.name}`) : 'Add Template'}
        description={
          <Anchor component={Link} to="/setup/notification-templates" size="sm">
            Back to Notification Templates
          </Anchor>
        }
        actions={template ? <StatusBadge status={template.status} /> : null}
      />
      {template?.status === 'system_default' ? (
        <Alert color="blue" mb="md">
          System Default templates are read-only. Use Clone or Translate on the Notification Templates page to make an editable copy.
        </Alert>
      ) : null}
      <SimpleGrid cols={{ base: 1, lg: 2 }} spacing="lg">
        <Stack>
          <TextInput
            label="Template Name"
            required
            value={d.name}
            onChange={(e) => set('name', e.currentTarget.value)}
            readOnly={readOnly}
            maxLength={120}
            error={errors.name}
          />
          <Group grow>
            <Select
              label="Template Family"
              data={FAMILIES.map((f) => ({ value: f, label: FAMILY_LABELS[f] }))}
              value={d.family}
              onChange={(v) => v && set('family', v as TemplateFamily)}
              disabled={readOnly || !!template}
              allowDeselect={false}
            />
            <Select
              label="Type"
              data={CHANNELS.map((c) => ({ value: c, label: CHANNEL_LABELS[c] }))}
              value={d.channel}
              onChange={(v) => v && set('channel', v as TemplateChannel)}
              disabled={readOnly || !!template}
              allowDeselect={false}
            />
            <Select
              label="Language"
              data={LANGUAGES.map((l) => ({ value: l, label: LANGUAGE_LABELS[l] }))}
              value={d.language}
              onChange={(v) => v && set('language', v)}
              disabled={readOnly}
              allowDeselect={false}
            />
          </Group>
          <TextInput
            label={d.channel === 'email' ? 'Subject' : 'Title'}
            description="One line; variables allowed."
            required={d.channel === 'email'}
            value={d.subject}
            onChange={(e) => set('subject', e.currentTarget.value)}
            readOnly={readOnly}
            error={errors.subject}
          />
          <Textarea
            label="Body"
            description={d.channel === 'email' ? 'An MJML document with Liquid variables.' : 'Text with Liquid variables; blank lines separate paragraphs.'}
            required
            autosize
            minRows={14}
            maxRows={40}
            value={d.body}
            onChange={(e) => set('body', e.currentTarget.value)}
            readOnly={readOnly}
            error={errors.body}
            styles={{ input: { fontFamily: 'monospace', fontSize: 13 } }}
            spellCheck={false}
          />
          <FormError error={save.error && !Object.keys(errors).length ? save.error : null} />
          {!readOnly ? (
            <Group justify="flex-end">
              <Button
                variant="default"
                onClick={() => submit('draft')}
                loading={save.isPending && save.variables?.status === 'draft'}
                disabled={save.isPending}
              >
                Save as Draft
              </Button>
              <Button onClick={() => submit('published')} loading={save.isPending && save.variables?.status === 'published'} disabled={save.isPending}>
                Publish Template
              </Button>
            </Group>
          ) : null}
          <VariablesPanel family={d.family} />
        </Stack>
        <Stack gap="xs" aria-live="polite">
          <Title order={2} size="h4">
            Preview
          </Title>
          <Text size="sm" c="dimmed">
            Rendered with a sample incident, exactly as the {CHANNEL_LABELS[d.channel]} channel receives it.
          </Text>
          {preview.isError ? (
            <Alert color="red" title="This template cannot be saved yet" role="alert" data-testid="preview-error">
              {errorMessage(preview.error)}
            </Alert>
          ) : null}
          {preview.data ? <MessagePreview message={preview.data} channel={debounced.channel} /> : preview.isLoading ? <Loading label="Rendering…" /> : null}
        </Stack>
      </SimpleGrid>
    </>
  );
}
