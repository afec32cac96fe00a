import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Anchor, Checkbox, Grid, Group, NativeSelect, Paper, Select, Stack, Text, TextInput, Textarea, Title } from '@mantine/core';
import { useAuth } from '../../auth';
import { ErrorState, Loading, PageHeader, errorMessage } from '../../components/common';
import { FormButtons, FormError } from '../../components/forms';
import { notifyError, notifySuccess } from '../../components/notify';
import { fieldErrors } from '../../components/table';
import { useApprovers } from '../account-settings/api';
import { useLabels } from '../labels/api';
import { useChannels } from '../notifications/api';
import { LANGUAGES } from '../remediation/languages';
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
  /** The note in the justification survey's message. */
  surveyNote: string;
  escalateTo: 'manager' | 'approver' | 'email';
  approverId: string | null;
  escalateEmail: string;
  /** The note in the escalation survey's message. */
  escalateNote: string;
  /** Wait for Response: hours, empty until the survey link expires. */
  timeoutHours: string;
  /** The answers the close / escalate step after the wait runs on. */
  closeWhen: string[];
  escalateWhen: string[];
  /** Auto Notify User and Concurrently Escalate: close when the escalation is decided as chosen. */
  closeAfterDecision: boolean;
  /** Notify and escalate steps: the chat connections sent on besides email, and the messages' language. */
  chats: number[];
  language: string;
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
  escalateNote: '',
  timeoutHours: '',
  closeWhen: [],
  escalateWhen: ['Others', 'No Response'],
  closeAfterDecision: false,
  chats: [],
  language: 'en',
};

/** The templates that wait for an answer, and whose answer. */
const WAITS_FOR: Record<string, 'justification' | 'escalation'> = {
  auto_notify_user_and_close: 'justification',
  auto_notify_user_and_escalate: 'justification',
  auto_notify_user_and_escalate_to_manager: 'justification',
  auto_notify_user_and_concurrently_escalate: 'escalation',
};
const BRANCHES = {
  justification: ['False Positive', 'Manager Approved', 'Others', 'No Response'],
  escalation: ['Approved', 'Rejected', 'No Response'],
} as const;

/** A new workflow's defaults for its template (what the server would choose when left out). */
function defaultsFor(templateKey: string | undefined): Form {
  if (templateKey === 'auto_notify_user_and_close') return { ...EMPTY, falsePositive: true, closeWhen: ['False Positive'] };
  if (templateKey === 'auto_notify_user_and_concurrently_escalate') return { ...EMPTY, closeWhen: ['Approved'] };
  return EMPTY;
}

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
  const waitsFor = templateKey ? WAITS_FOR[templateKey] : undefined;
  const concurrent = templateKey === 'auto_notify_user_and_concurrently_escalate';
  const toManager = templateKey === 'auto_notify_user_and_escalate_to_manager';
  const [f, setF] = useState<Form>(() => (id ? EMPTY : defaultsFor(templateKey)));
  const closes =
    templateKey === 'auto_close' ||
    templateKey === 'auto_close_with_resolution_label' ||
    templateKey === 'auto_notify_user_and_close' ||
    (concurrent && f.closeAfterDecision);
  const notifies = templateKey === 'auto_notify' || !!waitsFor;
  const escalates = templateKey === 'auto_escalate' || (!!waitsFor && templateKey !== 'auto_notify_user_and_close');
  const options = useTicketingOptions(tickets);
  const labels = useLabels({ enabled: closes || concurrent });
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
      surveyNote: w.settings.notify?.note ?? '',
      escalateTo: w.settings.escalate?.userType ?? 'manager',
      approverId: w.settings.escalate?.approverId ? String(w.settings.escalate.approverId) : null,
      escalateEmail: w.settings.escalate?.email ?? '',
      escalateNote: w.settings.escalate?.note ?? '',
      timeoutHours: w.settings.wait?.timeoutHours ? String(w.settings.wait.timeoutHours) : '',
      closeWhen: w.settings.close?.when ?? defaultsFor(w.template).closeWhen,
      escalateWhen: w.settings.escalate?.when ?? EMPTY.escalateWhen,
      closeAfterDecision: w.template === 'auto_notify_user_and_concurrently_escalate' && !!w.settings.close,
      chats: w.settings.delivery?.chatConnectionIds ?? [],
      language: w.settings.delivery?.language ?? 'en',
    });
  }, [existing.data, options.data]);

  const integrations = (options.data?.integrations ?? []).filter((i) => !f.service || i.service === f.service);
  const integration = options.data?.integrations.find((i) => String(i.id) === f.integrationId);
  const label = labels.data?.items.find((l) => String(l.id) === f.resolutionLabelId);

  const settings = useMemo((): WorkflowSettings => {
    if (tickets)
      return {
        ticketing: {
          integrationId: Number(f.integrationId),
          projectId: integration?.type === 'jira_cloud' && f.projectId ? Number(f.projectId) : undefined,
          integrationUserId: Number(f.integrationUserId),
        },
      };
    const out: WorkflowSettings = {};
    if (notifies) out.notify = { note: f.surveyNote.trim() || undefined };
    if (escalates)
      out.escalate = {
        userType: toManager ? 'manager' : f.escalateTo,
        approverId: f.escalateTo === 'approver' && f.approverId ? Number(f.approverId) : undefined,
        email: f.escalateTo === 'email' ? f.escalateEmail.trim() || undefined : undefined,
        note: f.escalateNote.trim() || undefined,
        // Only where the escalation comes after the wait.
        when: waitsFor === 'justification' ? (f.escalateWhen as NonNullable<WorkflowSettings['escalate']>['when']) : undefined,
      };
    if (closes)
      out.close = {
        notes: f.notes.trim() || undefined,
        resolutionLabelId: f.resolutionLabelId ? Number(f.resolutionLabelId) : undefined,
        resolutionValue: f.resolutionValue || null,
        falsePositive: f.falsePositive,
        when: waitsFor ? (f.closeWhen as NonNullable<WorkflowSettings['close']>['when']) : undefined,
      };
    if (waitsFor) out.wait = { timeoutHours: f.timeoutHours.trim() ? Number(f.timeoutHours) : undefined };
    if (notifies || escalates) out.delivery = { language: f.language, chatConnectionIds: f.chats.length ? f.chats : undefined };
    return out;
  }, [tickets, notifies, escalates, closes, waitsFor, toManager, f, integration]);

  /** What the graphic writes on the arrow into each step: the answers it runs on. */
  const conditions = (template?.steps ?? []).map((kind) => {
    if (!waitsFor) return null;
    if (kind === 'close_incident') return f.closeWhen.join(' or ') || null;
    if (kind === 'escalate' && waitsFor === 'justification') return f.escalateWhen.join(' or ') || null;
    return null;
  });

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
    if (escalates && !toManager && f.escalateTo === 'approver' && !f.approverId) errs['settings.escalate.approverId'] = 'Pick the Approver.';
    if (escalates && !toManager && f.escalateTo === 'email' && !f.escalateEmail.trim())
      errs['settings.escalate.email'] = 'Enter the email address to escalate to.';
    if (waitsFor && f.timeoutHours.trim() && !/^\d+$/.test(f.timeoutHours.trim()))
      errs['settings.wait.timeoutHours'] = 'Enter a whole number of hours, or leave it empty to wait until the link expires.';
    if (closes && waitsFor && !f.closeWhen.length) errs['settings.close.when'] = 'Pick at least one answer to close on.';
    if (escalates && waitsFor === 'justification' && !f.escalateWhen.length) errs['settings.escalate.when'] = 'Pick at least one answer to escalate on.';
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
            <StepsGraphic
              steps={concurrent && !f.closeAfterDecision ? template.steps.filter((k) => k !== 'close_incident') : template.steps}
              conditions={conditions}
            />
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
              {notifies || escalates ? <DeliveryFields f={f} set={set} err={err} disabled={!canEdit} /> : null}
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
              {escalates && concurrent ? <EscalateFields f={f} set={set} err={err} disabled={!canEdit} /> : null}
              {waitsFor ? (
                <Paper withBorder p="md">
                  <Title order={2} size="h5" mb="sm">
                    Wait for Response
                  </Title>
                  <Stack>
                    <TextInput
                      label="Time to wait for a response (hours)"
                      description={`Empty: until the ${waitsFor === 'justification' ? 'justification' : 'escalation'} survey link expires (Account Settings > Notifications). The wait never outlasts the link.`}
                      inputMode="numeric"
                      value={f.timeoutHours}
                      onChange={(e) => set('timeoutHours', e.currentTarget.value)}
                      error={err('settings.wait.timeoutHours')}
                      disabled={!canEdit}
                    />
                    <Text size="sm" c="dimmed">
                      Waits for {waitsFor === 'justification' ? "the user's Justification Type" : "the manager's or approver's decision"}; the answer, or No
                      Response when none comes in time, decides the next step.
                    </Text>
                    {concurrent ? (
                      <Checkbox
                        label="Close the incident after the decision"
                        checked={f.closeAfterDecision}
                        onChange={(e) => set('closeAfterDecision', e.currentTarget.checked)}
                        disabled={!canEdit}
                      />
                    ) : null}
                  </Stack>
                </Paper>
              ) : null}
              {escalates && !concurrent ? (
                <EscalateFields
                  f={f}
                  set={set}
                  err={err}
                  disabled={!canEdit}
                  managerOnly={toManager}
                  when={waitsFor === 'justification' ? BRANCHES.justification : undefined}
                />
              ) : null}
              {closes ? (
                <Paper withBorder p="md">
                  <Title order={2} size="h5" mb="sm">
                    Close Incident
                  </Title>
                  <Stack>
                    {waitsFor ? (
                      <WhenField
                        label="Close when the answer is"
                        branches={BRANCHES[waitsFor]}
                        value={f.closeWhen}
                        onChange={(v) => set('closeWhen', v)}
                        error={err('settings.close.when')}
                        disabled={!canEdit}
                      />
                    ) : null}
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

/** Which answers a step after Wait for Response runs on. */
function WhenField({
  label,
  branches,
  value,
  onChange,
  error,
  disabled,
}: {
  label: string;
  branches: readonly string[];
  value: string[];
  onChange(v: string[]): void;
  error?: string;
  disabled: boolean;
}) {
  return (
    <Checkbox.Group label={label} value={value} onChange={onChange} error={error} required>
      <Group mt={4}>
        {branches.map((b) => (
          <Checkbox key={b} value={b} label={b} disabled={disabled} />
        ))}
      </Group>
    </Checkbox.Group>
  );
}

/** The escalate step's fields; the approvers are read only when a template that escalates is edited. */
function EscalateFields({
  f,
  set,
  err,
  disabled,
  managerOnly = false,
  when,
}: {
  f: Form;
  set: <K extends keyof Form>(k: K, v: Form[K]) => void;
  err: (k: string) => string | undefined;
  disabled: boolean;
  /** Auto Notify User and Escalate to Manager: always the user's manager. */
  managerOnly?: boolean;
  /** After a Wait for Response: the answers to escalate on. */
  when?: readonly string[];
}) {
  const approvers = useApprovers({ page: 1, pageSize: 100, search: '' });
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h5" mb="sm">
        Escalate
      </Title>
      <Stack>
        {when ? (
          <WhenField
            label="Escalate when the answer is"
            branches={when}
            value={f.escalateWhen}
            onChange={(v) => set('escalateWhen', v)}
            error={err('settings.escalate.when')}
            disabled={disabled}
          />
        ) : null}
        <Select
          label="Escalate To"
          required
          allowDeselect={false}
          data={[
            { value: 'manager', label: "Manager (the user's manager from User Attributes)" },
            { value: 'approver', label: 'Approver (Setup > Approvers)' },
            { value: 'email', label: 'Email' },
          ]}
          value={managerOnly ? 'manager' : f.escalateTo}
          onChange={(v) => set('escalateTo', (v ?? 'manager') as Form['escalateTo'])}
          description={managerOnly ? 'This template escalates to the manager imported for the user in Setup > User Attributes.' : undefined}
          disabled={disabled || managerOnly}
        />
        {managerOnly ? null : f.escalateTo === 'approver' ? (
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
        {!managerOnly && f.escalateTo === 'email' ? (
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
          value={f.escalateNote}
          onChange={(e) => set('escalateNote', e.currentTarget.value)}
          error={err('settings.escalate.note')}
          autosize
          minRows={2}
          disabled={disabled}
        />
      </Stack>
    </Paper>
  );
}

/** Notification Channel and Language of the notify and escalate steps: email always, Slack / Teams when connected. */
function DeliveryFields({
  f,
  set,
  err,
  disabled,
}: {
  f: Form;
  set: <K extends keyof Form>(k: K, v: Form[K]) => void;
  err: (name: string) => string | undefined;
  disabled: boolean;
}) {
  const channels = useChannels();
  const chats = channels.data?.items ?? [];
  return (
    <Paper withBorder p="md">
      <Title order={2} size="h5" mb="sm">
        Notification Channel
      </Title>
      <Stack>
        {chats.length ? (
          <Checkbox.Group
            label="Channel Type"
            description="Email is always sent; pick the chat channels to post to as well."
            value={f.chats.map(String)}
            onChange={(v) => set('chats', v.map(Number))}
            error={err('settings.delivery.chatConnectionIds')}
          >
            <Group mt={4}>
              {chats.map((c) => (
                <Checkbox key={c.id} value={String(c.id)} label={`${c.kind === 'slack' ? 'Slack' : 'Teams'}: ${c.name}`} disabled={disabled} />
              ))}
            </Group>
          </Checkbox.Group>
        ) : (
          <Text size="sm" c="dimmed">
            {channels.isError
              ? 'Email. The chat channels could not be loaded (viewing them needs Integrations access).'
              : 'Email. Connect Slack or Microsoft Teams in Setup > Integrations to post there too.'}
          </Text>
        )}
        <NativeSelect
          label="Language"
          data={LANGUAGES}
          value={f.language}
          onChange={(e) => set('language', e.currentTarget.value)}
          error={err('settings.delivery.language')}
          disabled={disabled}
        />
      </Stack>
    </Paper>
  );
}
