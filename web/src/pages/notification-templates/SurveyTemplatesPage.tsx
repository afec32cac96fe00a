import { useState, type FormEvent } from 'react';
import { Badge, Button, Menu, Select, Stack, Text, TextInput, Textarea } from '@mantine/core';
import { useAuth } from '../../auth';
import { ConfirmDialog, useConfirmAction } from '../../components/ConfirmDialog';
import { DataList } from '../../components/DataList';
import { Dialog } from '../../components/Dialog';
import { DateTime, EmptyState, ErrorState, Loading, PageHeader } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { RowActionsMenu, useNarrow } from '../../components/table';
import {
  LANGUAGE_LABELS,
  LANGUAGES,
  SURVEY_KIND_LABELS,
  SURVEY_KINDS,
  useResetSurvey,
  useSaveSurvey,
  useSurveys,
  type SurveyKind,
  type SurveyView,
} from './api';

/** The label of each survey text in the editor, in the order the survey page shows them. */
const TEXT_LABELS: Record<SurveyKind, [key: string, label: string, long?: boolean][]> = {
  end_user: [
    ['title', 'Title'],
    ['intro', 'Introduction', true],
    ['justificationTypeLabel', 'Question: Justification Type'],
    ['falsePositive', 'Option: False Positive'],
    ['managerApproved', 'Option: Manager Approved'],
    ['others', 'Option: Others'],
    ['reasonLabel', 'Question: Justification Reason'],
    ['submit', 'Submit button'],
    ['thankYou', 'Thank-you message', true],
  ],
  escalation: [
    ['title', 'Title'],
    ['intro', 'Introduction', true],
    ['decisionLabel', 'Question: Decision'],
    ['approve', 'Option: Approve'],
    ['reject', 'Option: Reject'],
    ['reasonLabel', 'Question: Reason'],
    ['submit', 'Submit button'],
    ['thankYou', 'Thank-you message', true],
  ],
};
const languageLabel = (l: string) => LANGUAGE_LABELS[l as keyof typeof LANGUAGE_LABELS] ?? l;

function SurveyEditor({ survey, readOnly, onClose }: { survey: SurveyView | null; readOnly: boolean; onClose(): void }) {
  const narrow = useNarrow();
  const [texts, setTexts] = useState<Record<string, string>>({});
  const [shownFor, setShownFor] = useState<SurveyView | null>(null);
  if (survey !== shownFor) {
    setShownFor(survey);
    setTexts(survey?.texts ?? {});
  }
  const m = useSaveSurvey({
    onSuccess: (s) => {
      notifySuccess('Survey template saved', `${s.family} (${languageLabel(s.language)}) was saved.`);
      onClose();
    },
    onError: (err) => notifyError('Could not save the survey template', err),
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (survey) m.mutate({ kind: survey.kind, language: survey.language, texts });
  }
  const close = () => (m.reset(), onClose());
  return (
    <Dialog opened={!!survey} onClose={close} title={survey ? `${survey.family} (${languageLabel(survey.language)})` : ''} size="lg" fullScreen={narrow}>
      {survey ? (
        <form onSubmit={submit}>
          <Stack>
            <Text size="sm" c="dimmed">
              The texts of the survey page. The answers recorded stay the same whatever the labels say, so reports read alike in every language.
            </Text>
            {TEXT_LABELS[survey.kind].map(([key, label, long]) =>
              long ? (
                <Textarea
                  key={key}
                  label={label}
                  required
                  autosize
                  minRows={2}
                  value={texts[key] ?? ''}
                  onChange={(e) => setTexts({ ...texts, [key]: e.currentTarget.value })}
                  readOnly={readOnly}
                  maxLength={2000}
                />
              ) : (
                <TextInput
                  key={key}
                  label={label}
                  required
                  value={texts[key] ?? ''}
                  onChange={(e) => setTexts({ ...texts, [key]: e.currentTarget.value })}
                  readOnly={readOnly}
                  maxLength={2000}
                />
              ),
            )}
            <FormError error={m.error} />
            {readOnly ? null : <FormButtons submitLabel="Save" onCancel={close} busy={m.isPending} />}
          </Stack>
        </form>
      ) : null}
    </Dialog>
  );
}

function AddTranslation({ opened, existing, onPick, onClose }: { opened: boolean; existing: SurveyView[]; onPick(s: SurveyView): void; onClose(): void }) {
  const [kind, setKind] = useState<string | null>('end_user');
  const [language, setLanguage] = useState<string | null>(null);
  const taken = new Set(existing.filter((s) => s.kind === kind).map((s) => s.language));
  function submit(e: FormEvent) {
    e.preventDefault();
    const english = existing.find((s) => s.kind === kind && s.language === 'en');
    if (!english || !language) return;
    onPick({ ...english, language, customised: false, updatedAt: null, updatedBy: null });
    setLanguage(null);
  }
  return (
    <Dialog opened={opened} onClose={onClose} title="Add Translation">
      <form onSubmit={submit}>
        <Stack>
          <Select
            label="Survey Template"
            data={SURVEY_KINDS.map((k) => ({ value: k, label: SURVEY_KIND_LABELS[k] }))}
            value={kind}
            onChange={setKind}
            allowDeselect={false}
          />
          <Select
            label="Language"
            required
            data={LANGUAGES.filter((l) => !taken.has(l)).map((l) => ({ value: l, label: LANGUAGE_LABELS[l] }))}
            value={language}
            onChange={setLanguage}
          />
          <Text size="sm" c="dimmed">
            The English texts are copied for you to translate.
          </Text>
          <FormButtons submitLabel="Continue" onCancel={onClose} submitDisabled={!language} />
        </Stack>
      </form>
    </Dialog>
  );
}

export function SurveyTemplatesPage() {
  const { can } = useAuth();
  const canEdit = can('Survey Templates', 'edit');
  const q = useSurveys();
  const [editing, setEditing] = useState<SurveyView | null>(null);
  const [adding, setAdding] = useState(false);
  const reset = useConfirmAction(
    useResetSurvey({
      onSuccess: (_v, s) => notifySuccess(s.language === 'en' ? 'Survey template reset' : 'Translation removed', `${s.family} (${languageLabel(s.language)}).`),
      onError: (err) => notifyError('Could not change the survey template', err),
    }),
  );
  return (
    <>
      <PageHeader
        title="Survey Templates"
        description="The questions of the justification survey sent to end users and of the escalation survey sent to managers and approvers, per language."
        actions={canEdit ? <Button onClick={() => setAdding(true)}>Add Translation</Button> : null}
      />
      {q.isLoading ? (
        <Loading label="Loading survey templates…" />
      ) : q.isError ? (
        <ErrorState error={q.error} onRetry={() => void q.refetch()} />
      ) : !q.data?.items.length ? (
        <EmptyState title="No survey templates" />
      ) : (
        <DataList
          label="Survey templates"
          items={q.data.items}
          rowKey={(s) => `${s.kind}:${s.language}`}
          minWidth={760}
          cardTitle={(s) => s.family}
          cardActions={(s) => actions(s)}
          columns={[
            { header: 'Template Family', cell: (s) => s.family, card: null },
            { header: 'Type', cell: (s) => s.type },
            { header: 'Language', cell: (s) => languageLabel(s.language) },
            { header: 'Last Modified', cell: (s) => (s.updatedAt ? <DateTime value={s.updatedAt} /> : <Badge variant="light">Default texts</Badge>) },
            { header: 'Actions', cell: (s) => actions(s), card: null, width: 70 },
          ]}
        />
      )}
      <SurveyEditor survey={editing} readOnly={!canEdit} onClose={() => setEditing(null)} />
      <AddTranslation opened={adding} existing={q.data?.items ?? []} onClose={() => setAdding(false)} onPick={(s) => (setAdding(false), setEditing(s))} />
      <ConfirmDialog
        {...reset.dialog}
        title={reset.target?.language === 'en' ? 'Reset Survey Template' : 'Remove Translation'}
        confirmLabel={reset.target?.language === 'en' ? 'Reset' : 'Remove'}
      >
        {reset.target?.language === 'en' ? (
          <>
            Put the default texts back in <b>{reset.target?.family}</b>? Your edits are lost.
          </>
        ) : (
          <>
            Remove the {languageLabel(reset.target?.language ?? '')} <b>{reset.target?.family}</b>? Surveys in that language use the English texts then.
          </>
        )}
      </ConfirmDialog>
    </>
  );

  function actions(s: SurveyView) {
    return (
      <RowActionsMenu label={`Actions for ${s.family} (${languageLabel(s.language)})`}>
        <Menu.Item onClick={() => setEditing(s)}>{canEdit ? 'Edit' : 'View'}</Menu.Item>
        {canEdit && s.customised ? (
          <Menu.Item color="red" onClick={() => reset.ask(s)}>
            {s.language === 'en' ? 'Reset to default texts' : 'Remove translation'}
          </Menu.Item>
        ) : null}
      </RowActionsMenu>
    );
  }
}
