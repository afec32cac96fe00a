import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Anchor, Checkbox, Grid, Paper, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useAuth } from '../../auth';
import { ErrorState, Loading, PageHeader, errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors } from '../../components/table';
import { useApprovers } from '../account-settings/api';
import { useLabels } from '../labels/api';
import { StepsGraphic } from './StepsGraphic';
import { useSaveWorkflow, useTemplates, useTicketingOptions, useWorkflow, type CreateWorkflowBody, type WorkflowSettings } from './api';

type Form = {
  name: string;
  description: string;
  service: 'JiraCloud' | 'ServiceNow' | null;
  integrationId: string | null;
  projectId: string | null;
  integrationUserId: string | null;
  notes: string;
  resolutionLabelId: string | null;
  resolutionValue: string | null;
  falsePositive: boolean;
  /** Auto Notify / Auto Escalate: the note in the survey's message. */
  surveyNote: string;
  escalateTo: 'manager' | 'approver' | 'email';
  approverId: string | null;
  escalateEmail: string;
};
const EMPTY: Form = {
  name: '',
  description: '',
  service: null,
  integrationId: null,
  projectId: null,
  integrationUserId: null,
  notes: '',
  resolutionLabelId: null,
  resolutionValue: null,
  falsePositive: false,
  surveyNote: '',
  escalateTo: 'manager',
  approverId: null,
  escalateEmail: '',
};

/**
 * Workflow Settings: the steps drawn on the left, the fields on the right. `/workflows/new/:template`
 * adds a workflow from a template; `/workflows/:id/edit` edits one (a new version for future incidents).
 */
export function WorkflowSettingsPage() {
  const params = useParams();
  const id = params.id ? Number(params.id) : null;
  const navigate = useNavigate();
  const { can } = useAuth();
  const canEdit = can('Workflows and Mappings', 'edit');
  const existing = useWorkflow(id);
  const templates = useTemplates();
  const templateKey = id ? existing.data?.template : params.template;
  const template = templates.data?.items.find((t) => t.key === templateKey);
  const tickets = templateKey === 'auto_create_tickets';
  const closes = templateKey === 'auto_close' || templateKey === 'auto_close_with_resolution_label';
  const notifies = templateKey === 'auto_notify';
  const escalates = templateKey === 'auto_escalate';
  const options = useTicketingOptions(tickets);
  const labels = useLabels({ enabled: closes });
  const [f, setF] = useState<Form>(EMPTY);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setF((x) => ({ ...x, [k]: v }));

  useEffect(() => {
    const w = existing.data;
    if (!w) return;
    const tk = w.settings.ticketing;
    const integration = options.data?.integrations.find((i) => i.id === tk?.integrationId);
    setF({
      name: w.name,
      description: w.description ?? '',
      service: integration ? (integration.service as Form['service']) : null,
      integrationId: tk ? String(tk.integrationId) : null,
      projectId: tk?.projectId ? String(tk.projectId) : null,
      integrationUserId: tk ? String(tk.integrationUserId) : null,
      notes: w.settings.close?.notes ?? '',
      resolutionLabelId: w.settings.close?.resolutionLabelId ? String(w.settings.close.resolutionLabelId) : null,
      resolutionValue: w.settings.close?.resolutionValue ?? null,
      falsePositive: w.settings.close?.falsePositive ?? false,
      surveyNote: w.settings.notify?.note ?? w.settings.escalate?.note ?? '',
      escalateTo: w.settings.escalate?.userType ?? 'manager',
      approverId: w.settings.escalate?.approverId ? String(w.settings.escalate.approverId) : null,
      escalateEmail: w.settings.escalate?.email ?? '',
    });
  }, [existing.data, options.data]);

  const integrations = (options.data?.integrations ?? []).filter((i) => !f.service || i.service === f.service);
  const integration = options.data?.integrations.find((i) => String(i.id) === f.integrationId);
  const label = labels.data?.items.find((l) => String(l.id) === f.resolutionLabelId);

  const settings = useMemo((): WorkflowSettings => {
    if (notifies) return { notify: { note: f.surveyNote.trim() || undefined } };
    if (escalates)
      return {
        escalate: {
          userType: f.escalateTo,
          approverId: f.escalateTo === 'approver' && f.approverId ? Number(f.approverId) : undefined,
          email: f.escalateTo === 'email' ? f.escalateEmail.trim() || undefined : undefined,
          note: f.surveyNote.trim() || undefined,
        },
      };
    if (tickets)
      return {
        ticketing: {
          integrationId: Number(f.integrationId),
          projectId: integration?.type === 'jira_cloud' && f.projectId ? Number(f.projectId) : undefined,
          integrationUserId: Number(f.integrationUserId),
        },
      };
    return {
      close: {
        notes: f.notes.trim() || undefined,
        resolutionLabelId: f.resolutionLabelId ? Number(f.resolutionLabelId) : undefined,
        resolutionValue: f.resolutionValue || null,
        falsePositive: f.falsePositive,
      },
    };
  }, [tickets, notifies, escalates, f, integration]);

  const save = useSaveWorkflow(id, {
    onSuccess: (w) => {
      notifySuccess(
        id ? 'Workflow updated' : 'Workflow added',
        id ? `${w.name} is now version ${w.version}; running executions finish on theirs.` : `${w.name} was added. Map it on Workflow Mappings.`,
      );
      navigate('/workflows');
    },
    onError: (err) => {
      setErrors(fieldErrors(err));
      notifyError(id ? 'Could not update the workflow' : 'Could not add the workflow', err);
    },
  });

  function submit(e: FormEvent) {
    e.preventDefault();
    const errs: Record<string, string> = {};
    if (!f.name.trim()) errs.name = 'Workflow Name is required.';
    if (tickets) {
      if (!f.integrationId) errs['settings.ticketing.integrationId'] = 'Pick the Default Ticketing System.';
      if (integration?.type === 'jira_cloud' && !f.projectId) errs['settings.ticketing.projectId'] = 'Pick the Jira Project.';
      if (!f.integrationUserId) errs['settings.ticketing.integrationUserId'] = 'Pick the Default Ticket Assignee Email.';
    }
    if (templateKey === 'auto_close_with_resolution_label' && !f.resolutionLabelId)
      errs['settings.close.resolutionLabelId'] = 'Pick the Resolution Label Name.';
    if (escalates && f.escalateTo === 'approver' && !f.approverId) errs['settings.escalate.approverId'] = 'Pick the Approver.';
    if (escalates && f.escalateTo === 'email' && !f.escalateEmail.trim()) errs['settings.escalate.email'] = 'Enter the email address to escalate to.';
    setErrors(errs);
    if (!Object.keys(errs).length)
      save.mutate({ template: templateKey as CreateWorkflowBody['template'], name: f.name.trim(), description: f.description.trim() || null, settings });
  }

  if ((id && existing.isLoading) || templates.isLoading) return <Loading label="Loading the workflow…" />;
  if (existing.isError) return <ErrorState error={existing.error} onRetry={() => void existing.refetch()} />;
  if (!template) return <ErrorState error={new Error(`There is no workflow template "${templateKey}".`)} />;
  if (!template.available) return <ErrorState error={new Error(`${template.name}: ${template.unavailableReason}`)} />;

  const serverError = save.isError && !Object.keys(fieldErrors(save.error)).length ? errorMessage(save.error) : null;
  const err = (k: string) => errors[k] || undefined;
  return (
    <>
      <PageHeader
        title={id ? `Edit Workflow: ${existing.data?.name}` : `Add Workflow: ${template.name}`}
        description={
          <Anchor component={Link} to="/workflows" size="sm">
            Back to Workflows
          </Anchor>
        }
      />
      <Grid>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Paper withBorder p="md">
            <StepsGraphic steps={template.steps} />
          </Paper>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <form onSubmit={submit} noValidate aria-label="Workflow Settings">
            <Stack>
              <FormError error={serverError} />
              <Paper withBorder p="md">
                <Title order={2} size="h5" mb="sm">
                  Workflow
                </Title>
                <Stack>
                  <TextInput label="Workflow Template" value={template.name} readOnly />
                  <TextInput
                    label="Workflow Name"
                    required
                    value={f.name}
                    onChange={(e) => set('name', e.currentTarget.value)}
                    error={err('name')}
                    disabled={!canEdit}
                  />
                  <Textarea
                    label="Description"
                    value={f.description}
                    onChange={(e) => set('description', e.currentTarget.value)}
                    autosize
                    minRows={2}
                    disabled={!canEdit}
                  />
                </Stack>
              </Paper>
              {tickets ? (
                <Paper withBorder p="md">
                  <Title order={2} size="h5" mb="sm">
                    Ticketing Configuration
                  </Title>
                  {options.isError ? <ErrorState error={options.error} /> : null}
                  <Stack>
                    <Select
                      label="Ticketing Service"
                      required
                      data={['JiraCloud', 'ServiceNow']}
                      value={f.service}
                      onChange={(v) => setF((x) => ({ ...x, service: v as Form['service'], integrationId: null, projectId: null, integrationUserId: null }))}
                      disabled={!canEdit}
                    />
                    <Select
                      label="Default Ticketing System"
                      required
                      placeholder={f.service ? undefined : 'Pick the Ticketing Service first'}
                      data={integrations.map((i) => ({ value: String(i.id), label: i.name }))}
                      value={f.integrationId}
                      onChange={(v) => setF((x) => ({ ...x, integrationId: v, projectId: null, integrationUserId: null }))}
                      error={err('settings.ticketing.integrationId')}
                      nothingFoundMessage="No enabled integration of this service"
                      disabled={!canEdit || !f.service}
                    />
                    {integration?.type === 'jira_cloud' || f.service === 'JiraCloud' ? (
                      <Select
                        label="Jira Project"
                        required
                        data={(integration?.projects ?? []).map((p) => ({ value: String(p.id), label: `${p.key} — ${p.name}` }))}
                        value={f.projectId}
                        onChange={(v) => set('projectId', v)}
                        error={err('settings.ticketing.projectId')}
                        disabled={!canEdit || !integration}
                      />
                    ) : null}
                    <Select
                      label="Default Ticket Assignee Email"
                      required
                      searchable
                      data={(integration?.users ?? []).map((u) => ({ value: String(u.id), label: `${u.email} (${u.name})` }))}
                      value={f.integrationUserId}
                      onChange={(v) => set('integrationUserId', v)}
                      error={err('settings.ticketing.integrationUserId')}
                      nothingFoundMessage="No active integration user; add one on Setup > Integration Users"
                      disabled={!canEdit || !integration}
                    />
                  </Stack>
                </Paper>
              ) : null}
              {closes ? (
                <Paper withBorder p="md">
                  <Title order={2} size="h5" mb="sm">
                    Close Incident
                  </Title>
                  <Stack>
                    <Textarea label="Notes" value={f.notes} onChange={(e) => set('notes', e.currentTarget.value)} autosize minRows={2} disabled={!canEdit} />
                    <Select
                      label="Resolution Label Name"
                      required={templateKey === 'auto_close_with_resolution_label'}
                      clearable
                      data={(labels.data?.items ?? []).map((l) => ({ value: String(l.id), label: l.name }))}
                      value={f.resolutionLabelId}
                      onChange={(v) => setF((x) => ({ ...x, resolutionLabelId: v, resolutionValue: null }))}
                      error={err('settings.close.resolutionLabelId')}
                      disabled={!canEdit}
                    />
                    {label?.values.length ? (
                      <Select
                        label="Resolution Label Value"
                        clearable
                        data={label.values}
                        value={f.resolutionValue}
                        onChange={(v) => set('resolutionValue', v)}
                        error={err('settings.close.resolutionValue')}
                        disabled={!canEdit}
                      />
                    ) : null}
                    <Checkbox
                      label="False Positive"
                      checked={f.falsePositive}
                      onChange={(e) => set('falsePositive', e.currentTarget.checked)}
                      disabled={!canEdit}
                    />
                  </Stack>
                </Paper>
              ) : null}
              {notifies ? (
                <Paper withBorder p="md">
                  <Title order={2} size="h5" mb="sm">
                    Notify User
                  </Title>
                  <Textarea
                    label="Note to user"
                    description="Added to the justification survey's message to the incident's user."
                    value={f.surveyNote}
                    onChange={(e) => set('surveyNote', e.currentTarget.value)}
                    error={err('settings.notify.note')}
                    autosize
                    minRows={2}
                    disabled={!canEdit}
                  />
                </Paper>
              ) : null}
              {escalates ? <EscalateFields f={f} set={set} err={err} disabled={!canEdit} /> : null}
              {canEdit ? (
                <FormButtons
                  submitLabel={id ? 'Update' : 'Save'}
                  onCancel={() => navigate('/workflows')}
                  busy={save.isPending}
                  cancelDisabled={save.isPending}
                />
              ) : (
                <Text size="sm" c="dimmed">
                  Your role can view workflows but not change them.
                </Text>
              )}
            </Stack>
          </form>
        </Grid.Col>
      </Grid>
    </>
  );
}

/** Auto Escalate's fields; the approvers are read only when this template is edited. */
function EscalateFields({
  f,
  set,
  err,
  disabled,
}: {
  f: Form;
  set: <K extends keyof Form>(k: K, v: Form[K]) => void;
  err: (k: string) => string | undefined;
  disabled: boolean;
}) {
  const approvers = useApprovers({ page: 1, pageSize: 100, search: '' });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h5" mb="sm">
        Escalate
      </Title>
      <Stack>
        <Select
          label="Escalate To"
          required
          allowDeselect={false}
          data={[
            { value: 'manager', label: "Manager (the user's manager from User Attributes)" },
            { value: 'approver', label: 'Approver (Setup > Approvers)' },
            { value: 'email', label: 'Email' },
          ]}
          value={f.escalateTo}
          onChange={(v) => set('escalateTo', (v ?? 'manager') as Form['escalateTo'])}
          disabled={disabled}
        />
        {f.escalateTo === 'approver' ? (
          <Select
            label="Approver"
            required
            searchable
            data={(approvers.data?.items ?? []).map((a) => ({ value: String(a.id), label: `${a.name} (${a.email})` }))}
            value={f.approverId}
            onChange={(v) => set('approverId', v)}
            error={err('settings.escalate.approverId') ?? (approvers.isError ? errorMessage(approvers.error) : undefined)}
            placeholder={
              approvers.isLoading ? 'Loading approvers…' : approvers.data?.items.length ? 'Pick an approver' : 'No approvers yet: add them in Setup > Approvers'
            }
            disabled={disabled}
          />
        ) : null}
        {f.escalateTo === 'email' ? (
          <TextInput
            label="Email"
            required
            type="email"
            value={f.escalateEmail}
            onChange={(e) => set('escalateEmail', e.currentTarget.value)}
            error={err('settings.escalate.email')}
            disabled={disabled}
          />
        ) : null}
        <Textarea
          label="Note"
          description="Added to the escalation survey's message."
          value={f.surveyNote}
          onChange={(e) => set('surveyNote', e.currentTarget.value)}
          error={err('settings.escalate.note')}
          autosize
          minRows={2}
          disabled={disabled}
        />
      </Stack>
    </Paper>
  );
}
