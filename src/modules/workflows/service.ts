import { randomUUID } from 'node:crypto';
import { movedPositions } from './reorder.js';
import type { Kysely } from 'kysely';
import { descriptorOf } from '../../connectors/descriptors.js';
import type { AnyExec } from '../../platform/db/database.js';
import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Job, JobQueue } from '../../platform/jobs/index.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { IncidentIngestHooks } from '../incidents/ingest-hooks.js';
import { incidentInput, type CloseBody, type IncidentDetail, type IngestBatchResult } from '../incidents/schemas.js';
import type { IncidentTicketHooks } from '../incidents/ticket-hooks.js';
import type { AssigneeRecord } from '../integration-users/service.js';
import type { UserView } from '../integration-users/schemas.js';
import type { JiraProjectView } from '../integrations/schemas.js';
import type { IntegrationSummary } from '../integrations/service.js';
import type { CreateTicketInput, TicketView } from '../tickets/schemas.js';
import { attributesOf, factsFromInput, type FactsNeeded, type IncidentFacts, type SourceDlpType } from './attributes.js';
import { MappingCompiler } from './compiled-mappings.js';
import { evaluate, OPERATIONS, OPERATIONS_BY_KIND, PROPERTIES, validateCondition, type Condition } from './conditions.js';
import { WorkflowEngine, type EvaluatePayload, type StepPayload } from './engine.js';
import type { WorkflowsTables } from './migrations.js';
import type {
  BulkRunResult,
  CreateWorkflowBody,
  ExecutionView,
  MappingBody,
  MappingView,
  TemplateView,
  TestBody,
  TestResult,
  TicketingOptions,
  UpdateWorkflowBody,
  WorkflowSettings,
  WorkflowView,
} from './schemas.js';
import {
  closeIncidentStep,
  createTicketStep,
  ESCALATION_BRANCHES,
  escalateStep,
  JUSTIFICATION_BRANCHES,
  NO_RESPONSE,
  notifyUserStep,
  stepSpec,
  waitForResponseStep,
  waitStep,
  WorkflowRemediationHooks,
  type StepSpec,
} from './steps.js';
import { WorkflowsStore, type WorkflowRecord } from './store.js';
import { TEMPLATES, templateOf, type Template, type TemplateKey } from './templates.js';

const MODULE = 'Workflows';

export type WorkflowsDeps = {
  db: Kysely<WorkflowsTables>;
  audit: AuditRecorder;
  jobs: Pick<JobQueue, 'enqueue' | 'enqueueMany'>;
  incidents: {
    detail(orgId: number, id: number): Promise<IncidentDetail>;
    ruleFacts(orgId: number, ids: number[], need: FactsNeeded): Promise<(IncidentFacts & { id: number })[]>;
    close(actor: Principal, id: number, body: CloseBody): Promise<unknown>;
    /** The demo's feed (demo.ts), ingested as the API does. */
    ingestBatch(actor: Principal, items: unknown[]): Promise<IngestBatchResult>;
    ticketHooks: Pick<IncidentTicketHooks, 'recordEvent' | 'recordEvents'>;
    ingestHooks: Pick<IncidentIngestHooks, 'onMatch'>;
  };
  tickets: {
    create(actor: Principal, incidentId: number, input: CreateTicketInput): Promise<TicketView>;
    forIncident(orgId: number, incidentId: number): Promise<TicketView[]>;
  };
  integrations: {
    summary(orgId: number, id: number): Promise<IntegrationSummary | null>;
    summaries(orgId: number): Promise<IntegrationSummary[]>;
    projects(orgId: number, integrationId: number): Promise<JiraProjectView[]>;
  };
  integrationUsers: {
    getAssignee(orgId: number, id: number): Promise<AssigneeRecord | null>;
    listAssignable(orgId: number, integrationId: number): Promise<UserView[]>;
  };
  labels: { resolve(orgId: number, pick: { labelId: number; value?: string | null }, field: string): Promise<{ name: string; value: string | null }> };
};

const field = (name: string, message: string) => badRequest(`${name}: ${message}`, [{ field: name, message }]);

/** An escalate step from the Escalation Configuration; refusals name the field. */
function escalateStepOf(t: Template, e: WorkflowSettings['escalate']): Extract<StepSpec, { kind: 'escalate' }> {
  if (!e) throw field('settings.escalate', `${t.name} needs an Escalation Configuration: escalate to the Manager, an Approver or an Email.`);
  if (e.userType === 'approver' && !e.approverId) throw field('settings.escalate.approverId', 'pick the Approver to escalate to (Setup > Approvers).');
  if (e.userType === 'email' && !e.email) throw field('settings.escalate.email', 'enter the email address to escalate to.');
  if (e.userType !== 'approver' && e.approverId) throw field('settings.escalate.approverId', 'an approver is only for Escalate To: Approver.');
  if (e.userType !== 'email' && e.email) throw field('settings.escalate.email', 'an email address is only for Escalate To: Email.');
  return { kind: 'escalate', userType: e.userType, approverId: e.approverId, email: e.email, note: e.note || undefined };
}

const STEP_LABEL: Record<string, string> = {
  create_ticket: 'Create ticket',
  close_incident: 'Close incident',
  wait: 'Wait',
  notify_user: 'Notify user',
  escalate: 'Escalate',
};

/** A step as the Workflow section names it, with the answers it runs on. */
function stepLabel(s: StepSpec): string {
  const base =
    s.kind === 'wait'
      ? `Wait ${s.seconds} seconds`
      : s.kind === 'wait_for_response'
        ? `Wait for ${s.purpose === 'justification' ? "the user's justification" : 'the escalation decision'}`
        : (STEP_LABEL[s.kind] ?? s.kind);
  return s.when ? `${base} (on ${s.when.join(' or ')})` : base;
}

/**
 * Workflows (issue #11): definitions made from templates (with versions), the ordered mapping
 * statements that pick one for each new incident, the Test panel, Run workflow, and the engine
 * (engine.ts) that runs them through the job queue.
 */
export class WorkflowsService {
  readonly store: WorkflowsStore;
  readonly engine: WorkflowEngine;
  private readonly compiler: MappingCompiler;
  /** Where the remediation module hands over Notify User and Escalate for the steps of those names. */
  readonly remediationHooks = new WorkflowRemediationHooks();

  constructor(private readonly deps: WorkflowsDeps) {
    this.store = new WorkflowsStore(deps.db);
    this.compiler = new MappingCompiler(this.store);
    this.engine = new WorkflowEngine(
      {
        db: deps.db,
        jobs: deps.jobs,
        incidents: {
          ruleFacts: deps.incidents.ruleFacts.bind(deps.incidents),
          recordEvent: (...a) => deps.incidents.ticketHooks.recordEvent(...a),
          recordEvents: (...a) => deps.incidents.ticketHooks.recordEvents(...a),
        },
      },
      this.store,
      {
        create_ticket: createTicketStep(deps.tickets),
        close_incident: closeIncidentStep(deps.incidents),
        wait: waitStep,
        notify_user: notifyUserStep(this.remediationHooks),
        escalate: escalateStep(this.remediationHooks),
        wait_for_response: waitForResponseStep(this.remediationHooks),
      },
      (orgId, exec) => this.compiler.compiled(orgId, exec),
    );
    // An answered survey wakes the executions waiting on its incident, in the answer's transaction.
    this.remediationHooks.onResponse((exec, orgId, incidentId, linkId) => this.engine.wake(exec, orgId, incidentId, `survey:${linkId}`));
    deps.incidents.ingestHooks.onMatch((exec, orgId, batch) => this.engine.onIngesting(exec, orgId, batch));
  }

  // ---------------------------------------------------------------- templates

  async templates(orgId: number): Promise<TemplateView[]> {
    const counts = new Map<string, number>();
    for (const w of await this.store.listWorkflows(orgId)) counts.set(w.template, (counts.get(w.template) ?? 0) + 1);
    return TEMPLATES.map((t) => ({ ...t, available: t.unavailableReason === null, count: counts.get(t.key) ?? 0 }));
  }

  // ---------------------------------------------------------------- workflows

  private async view(r: WorkflowRecord, exec?: AnyExec): Promise<WorkflowView> {
    const v = await this.store.version(r.org_id, r.id, r.current_version, exec);
    return {
      id: r.id,
      name: r.name,
      description: r.description,
      template: r.template as TemplateKey,
      templateName: templateOf(r.template)?.name ?? r.template,
      status: 'Published',
      version: r.current_version,
      settings: v ? (JSON.parse(v.settings) as WorkflowSettings) : {},
      steps: v ? (JSON.parse(v.steps) as StepSpec[]) : [],
      mappings: await this.store.countMappingsOf(r.org_id, r.id, exec),
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  async list(orgId: number, q: { search?: string; template?: string; mapped?: 'yes' | 'no' }): Promise<WorkflowView[]> {
    const rows = await this.store.listWorkflows(orgId);
    const needle = q.search?.toLowerCase();
    const views = await Promise.all(
      rows
        .filter((r) => (!q.template || r.template === q.template) && (!needle || `${r.name} ${r.description ?? ''}`.toLowerCase().includes(needle)))
        .map((r) => this.view(r)),
    );
    return views.filter((v) => !q.mapped || (q.mapped === 'yes') === v.mappings > 0);
  }

  async get(orgId: number, id: number): Promise<WorkflowView> {
    const r = await this.store.getWorkflow(orgId, id);
    if (!r) throw notFound('Workflow');
    return this.view(r);
  }

  /** The steps a template's workflow runs, from its settings; refusals name the setting to fix. */
  private async stepsFor(orgId: number, template: TemplateKey, s: WorkflowSettings): Promise<StepSpec[]> {
    const steps = await this.templateSteps(orgId, template, s);
    if (!s.delivery) return steps;
    const sends = steps.some((x) => x.kind === 'notify_user' || x.kind === 'escalate');
    if (!sends) throw field('settings.delivery', `${templateOf(template)!.name} sends no notification; leave the Notification Channel and Language out.`);
    const { language, chatConnectionIds } = s.delivery;
    if (chatConnectionIds?.length) {
      try {
        await this.remediationHooks.get().checkChatConnections(orgId, chatConnectionIds);
      } catch (err) {
        throw field('settings.delivery.chatConnectionIds', err instanceof Error ? err.message.replace(/^chatConnectionIds: /, '') : String(err));
      }
    }
    const delivery = { ...(language ? { language } : {}), ...(chatConnectionIds?.length ? { chatConnectionIds: [...new Set(chatConnectionIds)] } : {}) };
    return steps.map((x) => (x.kind === 'notify_user' || x.kind === 'escalate' ? { ...x, ...delivery } : x));
  }

  private async templateSteps(orgId: number, template: TemplateKey, s: WorkflowSettings): Promise<StepSpec[]> {
    const t = templateOf(template)!;
    if (t.unavailableReason) throw field('template', `${t.name} cannot be used yet. ${t.unavailableReason}`);
    if (t.waitsFor) return this.responseSteps(orgId, t, s);
    if (s.wait) throw field('settings.wait', `${t.name} does not wait for a response; leave the wait settings out.`);
    if (s.close?.when || s.escalate?.when)
      throw field(s.close?.when ? 'settings.close.when' : 'settings.escalate.when', `${t.name} does not wait for a response, so there is no answer to act on.`);
    if (template === 'auto_notify' || template === 'auto_escalate') {
      if (s.ticketing) throw field('settings.ticketing', `${t.name} creates no ticket; leave the Ticketing Configuration out.`);
      if (s.close) throw field('settings.close', `${t.name} has no close step; leave the close fields out.`);
      if (template === 'auto_notify') {
        if (s.escalate) throw field('settings.escalate', `${t.name} does not escalate; leave the Escalation Configuration out.`);
        return [{ kind: 'notify_user', note: s.notify?.note || undefined }];
      }
      if (s.notify) throw field('settings.notify', `${t.name} does not notify the user; leave the Notification Configuration out.`);
      return [escalateStepOf(t, s.escalate)];
    }
    if (s.notify || s.escalate)
      throw field(s.notify ? 'settings.notify' : 'settings.escalate', `${t.name} neither notifies nor escalates; leave those settings out.`);
    if (template === 'auto_create_tickets') {
      if (s.close) throw field('settings.close', `${t.name} has no close step; leave the close fields out.`);
      if (!s.ticketing)
        throw field('settings.ticketing', `${t.name} needs a Ticketing Configuration: Default Ticketing System and Default Ticket Assignee Email.`);
      return [{ kind: 'create_ticket', ...(await this.checkTicketing(orgId, s.ticketing)) }];
    }
    if (s.ticketing) throw field('settings.ticketing', `${t.name} creates no ticket; leave the Ticketing Configuration out.`);
    return [await this.closeStepOf(orgId, t, s.close ?? { falsePositive: false })];
  }

  /**
   * The templates that act on an answer: notify (and, concurrently, escalate), wait for the
   * response, then close or escalate on the branches the settings name (docs/architecture.md,
   * "Waiting for a response").
   */
  private async responseSteps(orgId: number, t: Template, s: WorkflowSettings): Promise<StepSpec[]> {
    if (s.ticketing) throw field('settings.ticketing', `${t.name} creates no ticket; leave the Ticketing Configuration out.`);
    const notify: StepSpec = { kind: 'notify_user', note: s.notify?.note || undefined };
    const timeoutSeconds = s.wait?.timeoutHours ? s.wait.timeoutHours * 3600 : undefined;
    const wait: StepSpec = { kind: 'wait_for_response', purpose: t.waitsFor!, ...(timeoutSeconds ? { timeoutSeconds } : {}) };
    const branches: readonly string[] = t.waitsFor === 'justification' ? JUSTIFICATION_BRANCHES : ESCALATION_BRANCHES;
    const when = (name: string, picked: string[] | undefined, byDefault: string[]): StepSpec['when'] => {
      const list = picked ?? byDefault;
      const wrong = list.find((b) => !branches.includes(b));
      if (wrong)
        throw field(
          name,
          `${wrong} is not an answer to the ${t.waitsFor === 'justification' ? 'justification' : 'escalation'} survey; pick from ${branches.join(', ')}.`,
        );
      if (!list.length) throw field(name, 'pick at least one answer the step acts on.');
      return [...new Set(list)] as StepSpec['when'];
    };
    if (t.key === 'auto_notify_user_and_close') {
      if (s.escalate) throw field('settings.escalate', `${t.name} does not escalate; leave the Escalation Configuration out.`);
      const close = s.close ?? { falsePositive: true };
      return [notify, wait, { ...(await this.closeStepOf(orgId, t, close)), when: when('settings.close.when', close.when, ['False Positive']) }];
    }
    if (t.key === 'auto_notify_user_and_concurrently_escalate') {
      if (s.escalate?.when) throw field('settings.escalate.when', `${t.name} escalates at once, without waiting for the user's answer.`);
      const close = s.close ? [{ ...(await this.closeStepOf(orgId, t, s.close)), when: when('settings.close.when', s.close.when, ['Approved']) }] : [];
      return [notify, escalateStepOf(t, s.escalate), wait, ...close];
    }
    if (s.close) throw field('settings.close', `${t.name} has no close step; leave the close fields out.`);
    const toManager = t.key === 'auto_notify_user_and_escalate_to_manager';
    const e = s.escalate ?? (toManager ? { userType: 'manager' as const } : undefined);
    if (toManager && e && e.userType !== 'manager')
      throw field(
        'settings.escalate.userType',
        `${t.name} escalates to the user's manager (Setup > User Attributes); use Auto Notify User and Escalate for an approver or an address.`,
      );
    return [notify, wait, { ...escalateStepOf(t, e), when: when('settings.escalate.when', e?.when, ['Others', NO_RESPONSE]) }];
  }

  private async closeStepOf(orgId: number, t: Template, close: NonNullable<WorkflowSettings['close']>): Promise<Extract<StepSpec, { kind: 'close_incident' }>> {
    if (t.key === 'auto_close_with_resolution_label' && !close.resolutionLabelId)
      throw field('settings.close.resolutionLabelId', `${t.name} needs a Resolution Label Name. Pick a label from Setup > Labels.`);
    if (close.resolutionLabelId)
      await this.deps.labels.resolve(orgId, { labelId: close.resolutionLabelId, value: close.resolutionValue }, 'settings.close.resolutionLabelId');
    else if (close.resolutionValue) throw field('settings.close.resolutionValue', 'pick a Resolution Label Name first.');
    return {
      kind: 'close_incident',
      notes: close.notes || undefined,
      resolutionLabelId: close.resolutionLabelId,
      resolutionValue: close.resolutionValue ?? null,
      falsePositive: close.falsePositive,
    };
  }

  private async checkTicketing(orgId: number, s: NonNullable<WorkflowSettings['ticketing']>) {
    const f = 'settings.ticketing';
    const i = await this.deps.integrations.summary(orgId, s.integrationId);
    if (!i || (i.type !== 'servicenow' && i.type !== 'jira_cloud'))
      throw field(
        `${f}.integrationId`,
        `your organization has no ServiceNow or Jira Cloud integration ${s.integrationId}. Pick a Default Ticketing System from Setup > Integrations.`,
      );
    if (!i.enabled) throw field(`${f}.integrationId`, `the integration ${i.name} is disabled. Enable it on Setup > Integrations first.`);
    if (i.type === 'jira_cloud') {
      if (!s.projectId) throw field(`${f}.projectId`, `pick the Jira Project of ${i.name} the tickets go to.`);
      const p = (await this.deps.integrations.projects(orgId, i.id)).find((x) => x.id === s.projectId);
      if (!p) throw field(`${f}.projectId`, `project ${s.projectId} is not a project of ${i.name}; sync its project list if it is new.`);
      if (!p.labelsSupported)
        throw field(`${f}.projectId`, `project ${p.key} has no Labels field on its create screen, which tickets need to be created exactly once.`);
    } else if (s.projectId !== undefined || s.issueTypeId !== undefined) throw field(`${f}.projectId`, 'ServiceNow has no projects; leave Jira Project out.');
    const u = await this.deps.integrationUsers.getAssignee(orgId, s.integrationUserId);
    if (!u || u.integrationId !== i.id)
      throw field(
        `${f}.integrationUserId`,
        `user ${s.integrationUserId} is not an integration user of ${i.name}. Add them on Setup > Integration Users first.`,
      );
    if (u.removed || u.status !== 'active')
      throw field(`${f}.integrationUserId`, `${u.email} is not active and cannot be assigned tickets. Pick an active user.`);
    return { integrationId: i.id, projectId: s.projectId, issueTypeId: s.issueTypeId, integrationUserId: u.id };
  }

  private nameTaken(name: string) {
    return conflict(`A workflow named "${name}" already exists. Choose another Workflow Name.`);
  }

  async create(actor: Principal, body: CreateWorkflowBody): Promise<WorkflowView> {
    const steps = await this.stepsFor(actor.orgId, body.template, body.settings);
    const now = nowIso();
    const id = await this.deps.db
      .transaction()
      .execute(async (trx) => {
        const wid = await this.store.insertWorkflow(trx, {
          org_id: actor.orgId,
          name: body.name,
          description: body.description ?? null,
          template: body.template,
          current_version: 1,
          created_at: now,
          updated_at: now,
        });
        await this.store.insertVersion(trx, {
          org_id: actor.orgId,
          workflow_id: wid,
          version: 1,
          settings: JSON.stringify(body.settings),
          steps: JSON.stringify(steps),
          created_by: actor.label,
          created_at: now,
        });
        await this.deps.audit.record(trx, actor, {
          action: 'Insert',
          module: MODULE,
          resource: 'Workflow',
          resourceId: wid,
          notes: `Added workflow ${body.name} (${templateOf(body.template)!.name})`,
          after: { name: body.name, template: body.template, settings: body.settings },
        });
        return wid;
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e)) throw this.nameTaken(body.name);
        throw e;
      });
    return this.get(actor.orgId, id);
  }

  /** A new version when the settings change: running executions finish on the one they started with. */
  async update(actor: Principal, id: number, body: UpdateWorkflowBody): Promise<WorkflowView> {
    const before = await this.get(actor.orgId, id);
    const settings = body.settings ?? before.settings;
    const steps = body.settings ? await this.stepsFor(actor.orgId, before.template, settings) : before.steps;
    const changedSteps = JSON.stringify(steps) !== JSON.stringify(before.steps) || JSON.stringify(settings) !== JSON.stringify(before.settings);
    const now = nowIso();
    await this.deps.db
      .transaction()
      .execute(async (trx) => {
        const version = changedSteps ? before.version + 1 : before.version;
        if (changedSteps)
          await this.store.insertVersion(trx, {
            org_id: actor.orgId,
            workflow_id: id,
            version,
            settings: JSON.stringify(settings),
            steps: JSON.stringify(steps),
            created_by: actor.label,
            created_at: now,
          });
        await this.store.updateWorkflow(trx, actor.orgId, id, {
          name: body.name ?? before.name,
          description: body.description === undefined ? before.description : body.description,
          current_version: version,
          updated_at: now,
        });
        await this.deps.audit.record(trx, actor, {
          action: 'Update',
          module: MODULE,
          resource: 'Workflow',
          resourceId: id,
          notes: `Updated workflow ${body.name ?? before.name}${changedSteps ? ` (version ${version})` : ''}`,
          before: { name: before.name, description: before.description, settings: before.settings },
          after: { name: body.name ?? before.name, description: body.description === undefined ? before.description : body.description, settings },
        });
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e)) throw this.nameTaken(body.name!);
        throw e;
      });
    this.compiler.forget(actor.orgId);
    return this.get(actor.orgId, id);
  }

  async remove(actor: Principal, id: number): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const r = await this.store.getWorkflow(actor.orgId, id, trx);
      if (!r) throw notFound('Workflow');
      const used = await this.store.countMappingsOf(actor.orgId, id, trx);
      if (used)
        throw conflict(
          `Workflow ${r.name} is used by ${used} mapping statement${used === 1 ? '' : 's'}. Delete or change ${used === 1 ? 'it' : 'them'} on Workflow Mappings first.`,
        );
      await this.store.deleteWorkflow(trx, actor.orgId, id);
      await this.deps.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: 'Workflow',
        resourceId: id,
        notes: `Deleted workflow ${r.name}`,
        before: { name: r.name, template: r.template },
      });
    });
    this.compiler.forget(actor.orgId);
  }

  /** Auto Create Tickets choices: enabled ticketing integrations, their Jira projects and active users. */
  async ticketingOptions(orgId: number): Promise<TicketingOptions> {
    const list = (await this.deps.integrations.summaries(orgId)).filter((i) => i.enabled && (i.type === 'servicenow' || i.type === 'jira_cloud'));
    return {
      integrations: await Promise.all(
        list.map(async (i) => ({
          id: i.id,
          name: i.name,
          type: i.type as 'servicenow' | 'jira_cloud',
          service: i.type === 'jira_cloud' ? 'JiraCloud' : 'ServiceNow',
          projects:
            i.type === 'jira_cloud'
              ? (await this.deps.integrations.projects(orgId, i.id)).filter((p) => p.labelsSupported).map((p) => ({ id: p.id, key: p.key, name: p.name }))
              : [],
          users: (await this.deps.integrationUsers.listAssignable(orgId, i.id)).map((u) => ({ id: u.id, name: u.name, email: u.email })),
        })),
      ),
    };
  }

  // ---------------------------------------------------------------- mappings

  vocabulary() {
    return {
      sourceDlpTypes: ['Any', 'Email', 'Endpoint', 'Inline', 'SaaS Security'],
      operations: [...OPERATIONS],
      properties: PROPERTIES.map((p) => ({
        key: p.key,
        label: p.label,
        kind: p.kind,
        operations: [...OPERATIONS_BY_KIND[p.kind]],
        ...(p.ranks ? { values: [...p.ranks] } : {}),
      })),
    };
  }

  async mappings(orgId: number, exec?: AnyExec): Promise<MappingView[]> {
    const names = new Map((await this.store.listWorkflows(orgId, exec)).map((w) => [w.id, w.name]));
    return (await this.store.mappings(orgId, exec)).map((m, i) => ({
      id: m.id,
      position: i + 1,
      workflowId: m.workflow_id,
      workflowName: names.get(m.workflow_id) ?? '',
      sourceDlpType: m.source_dlp_type as SourceDlpType,
      condition: m.condition ? (JSON.parse(m.condition) as Condition) : null,
    }));
  }

  private async checkMapping(orgId: number, body: MappingBody, exec: AnyExec): Promise<WorkflowRecord> {
    const wf = await this.store.getWorkflow(orgId, body.workflowId, exec);
    if (!wf) throw field('workflowId', `workflow ${body.workflowId} does not exist. Pick one from Workflows.`);
    if (body.condition) {
      const problems = validateCondition(body.condition);
      if (problems.length)
        throw badRequest(
          `${problems[0].path}: ${problems[0].message}`,
          problems.map((p) => ({ field: p.path, message: p.message })),
        );
    }
    return wf;
  }

  private mappingAudit(body: MappingBody, wf: WorkflowRecord) {
    return { workflow: wf.name, sourceDlpType: body.sourceDlpType, condition: body.condition };
  }

  async addMapping(actor: Principal, body: MappingBody): Promise<MappingView> {
    const id = await this.deps.db.transaction().execute(async (trx) => {
      const wf = await this.checkMapping(actor.orgId, body, trx);
      const all = await this.store.mappings(actor.orgId, trx);
      const now = nowIso();
      const mid = await this.store.insertMapping(trx, {
        org_id: actor.orgId,
        position: all.length ? all[all.length - 1].position + 1 : 1,
        workflow_id: wf.id,
        source_dlp_type: body.sourceDlpType,
        condition: body.condition ? JSON.stringify(body.condition) : null,
        created_at: now,
        updated_at: now,
      });
      await this.deps.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: 'Workflow Mapping',
        resourceId: mid,
        notes: `Added mapping statement for workflow ${wf.name}`,
        after: this.mappingAudit(body, wf),
      });
      return mid;
    });
    this.compiler.forget(actor.orgId);
    return (await this.mappings(actor.orgId)).find((m) => m.id === id)!;
  }

  async updateMapping(actor: Principal, id: number, body: MappingBody): Promise<MappingView> {
    await this.deps.db.transaction().execute(async (trx) => {
      const before = (await this.mappings(actor.orgId, trx)).find((m) => m.id === id);
      if (!before) throw notFound('Mapping statement');
      const wf = await this.checkMapping(actor.orgId, body, trx);
      await this.store.updateMapping(trx, actor.orgId, id, {
        workflow_id: wf.id,
        source_dlp_type: body.sourceDlpType,
        condition: body.condition ? JSON.stringify(body.condition) : null,
        updated_at: nowIso(),
      });
      await this.deps.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: 'Workflow Mapping',
        resourceId: id,
        notes: `Updated mapping statement ${before.position}`,
        before: { workflow: before.workflowName, sourceDlpType: before.sourceDlpType, condition: before.condition },
        after: this.mappingAudit(body, wf),
      });
    });
    this.compiler.forget(actor.orgId);
    return (await this.mappings(actor.orgId)).find((m) => m.id === id)!;
  }

  async deleteMapping(actor: Principal, id: number): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      const before = (await this.mappings(actor.orgId, trx)).find((m) => m.id === id);
      if (!before) throw notFound('Mapping statement');
      await this.store.deleteMapping(trx, actor.orgId, id);
      await this.deps.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: 'Workflow Mapping',
        resourceId: id,
        notes: `Deleted mapping statement ${before.position} (workflow ${before.workflowName})`,
        before: { workflow: before.workflowName, sourceDlpType: before.sourceDlpType, condition: before.condition },
      });
    });
    this.compiler.forget(actor.orgId);
  }

  /** Up/down: swaps the statement with its neighbour; at an end it is refused (nothing to swap with). */
  async moveMapping(actor: Principal, id: number, direction: 'up' | 'down'): Promise<MappingView[]> {
    await this.deps.db.transaction().execute(async (trx) => {
      const all = await this.store.mappings(actor.orgId, trx);
      const move = movedPositions(all, id, direction);
      for (const m of move.changes) await this.store.updateMapping(trx, actor.orgId, m.id, { position: m.position });
      await this.deps.audit.record(trx, actor, {
        action: 'Update',
        module: MODULE,
        resource: 'Workflow Mapping',
        resourceId: id,
        notes: `Moved mapping statement ${move.from} ${direction} to position ${move.to}`,
        before: { position: move.from },
        after: { position: move.to },
      });
    });
    this.compiler.forget(actor.orgId);
    return this.mappings(actor.orgId);
  }

  // ---------------------------------------------------------------- test panel

  /** Which statement matches, why each earlier one did not, what would happen; creates nothing. */
  async test(orgId: number, body: TestBody): Promise<TestResult> {
    let facts: IncidentFacts;
    if ('incidentId' in body) facts = await this.deps.incidents.detail(orgId, body.incidentId);
    else {
      const parsed = incidentInput.safeParse(body.incident);
      if (!parsed.success) {
        const first = parsed.error.issues[0];
        const where = first.path.length ? `incident.${first.path.map(String).join('.')}` : 'incident';
        throw field(where, `${first.message} (paste an incident in the format POST /api/v1/incidents takes).`);
      }
      facts = factsFromInput(parsed.data);
    }
    const statements: TestResult['statements'] = [];
    for (const [i, s] of (await this.compiler.compiled(orgId)).statements.entries()) {
      let matched: boolean;
      let reason: string;
      if (s.record.source_dlp_type !== 'Any' && s.record.source_dlp_type !== facts.sourceType) {
        matched = false;
        reason = `Source DLP Type is ${s.record.source_dlp_type}; the incident's is ${facts.sourceType}`;
      } else if (!s.condition) {
        matched = true;
        reason = `every ${s.record.source_dlp_type === 'Any' ? '' : `${s.record.source_dlp_type} `}incident matches`;
      } else {
        const v = evaluate(s.condition, attributesOf(facts));
        matched = v.ok;
        reason = v.reason;
      }
      statements.push({ id: s.record.id, position: i + 1, workflowName: s.workflow.name, matched, reason });
      if (matched) {
        const v = await this.store.versionById(orgId, s.workflow.versionId);
        const specs = v ? (JSON.parse(v.steps) as unknown[]).map((x) => stepSpec.parse(x)) : [];
        return {
          statements,
          match: {
            statementId: s.record.id,
            workflowId: s.workflow.id,
            workflowName: s.workflow.name,
            wouldDo: await Promise.all(specs.map((x) => this.describe(orgId, x))),
          },
        };
      }
    }
    return { statements, match: null };
  }

  private async describe(orgId: number, s: StepSpec): Promise<string> {
    const what = await this.describeAction(orgId, s);
    return s.when ? `${what}, when the answer is ${s.when.join(' or ')}` : what;
  }

  private async describeAction(orgId: number, s: StepSpec): Promise<string> {
    if (s.kind === 'wait') return `Wait ${s.seconds} seconds`;
    if (s.kind === 'wait_for_response') {
      const limit = s.timeoutSeconds
        ? `at most ${s.timeoutSeconds / 3600} hours (or until the link expires)`
        : 'until the survey link expires (Account Settings)';
      return `Wait for ${s.purpose === 'justification' ? "the user's justification" : 'the escalation decision'}, ${limit}`;
    }
    if (s.kind === 'close_incident') return `Close the incident${s.falsePositive ? ' as a false positive' : ''}${s.notes ? ` with notes "${s.notes}"` : ''}`;
    if (s.kind === 'notify_user') return "Send the justification survey to the incident's user";
    if (s.kind === 'escalate')
      return `Send the escalation survey to ${s.userType === 'manager' ? "the user's manager (User Attributes)" : s.userType === 'approver' ? `approver ${s.approverId}` : s.email}`;
    const i = await this.deps.integrations.summary(orgId, s.integrationId);
    const u = await this.deps.integrationUsers.getAssignee(orgId, s.integrationUserId);
    const project = s.projectId && i ? (await this.deps.integrations.projects(orgId, i.id)).find((p) => p.id === s.projectId) : undefined;
    return `Create a ${i ? descriptorOf(i.type).label : ''} ticket on ${i?.name ?? `integration ${s.integrationId}`}${project ? ` in project ${project.key}` : ''} assigned to ${u?.email ?? `user ${s.integrationUserId}`}`;
  }

  // ---------------------------------------------------------------- executions

  /** Run workflow on an existing incident (a new execution each time it is asked for). */
  async run(actor: Principal, incidentId: number, workflowId: number): Promise<ExecutionView> {
    await this.deps.incidents.detail(actor.orgId, incidentId);
    const compiled = await this.currentOf(actor.orgId, workflowId);
    const id = await this.startManual(actor, incidentId, compiled, `manual:${randomUUID()}`);
    return (await this.executions(actor.orgId, incidentId)).find((e) => e.id === id)!;
  }

  private startManual(actor: Principal, incidentId: number, wf: { id: number; name: string; versionId: number }, triggerKey: string) {
    return this.engine.start(actor.orgId, incidentId, wf, triggerKey, actor.label, actor.adminId, async (trx, executionId) =>
      this.deps.audit.record(trx, actor, {
        action: 'Insert',
        module: MODULE,
        resource: 'Workflow Execution',
        resourceId: executionId,
        notes: `Ran workflow ${wf.name} on incident ${incidentId}`,
        after: { workflow: wf.name, incidentId },
      }),
    );
  }

  /**
   * Run workflow on the selected incidents, each in its own transaction, with a result per id.
   * `requestId` (the client's, one per confirmation) makes the request safe to send again: an
   * incident it already started is reported with that execution instead of starting another.
   */
  async runMany(actor: Principal, ids: number[], workflowId: number, requestId: string = randomUUID()): Promise<BulkRunResult> {
    const wf = await this.currentOf(actor.orgId, workflowId);
    const unique = [...new Set(ids)];
    const existing = new Set((await this.deps.incidents.ruleFacts(actor.orgId, unique, { labels: false, details: false })).map((i) => i.id));
    const triggerKey = `manual:${requestId}:${wf.id}`;
    const results: BulkRunResult['results'] = [];
    for (const id of unique) {
      if (!existing.has(id)) {
        results.push({ id, ok: false, error: { code: 'not_found', message: `Incident ${id} does not exist (or was deleted).` } });
        continue;
      }
      try {
        const started = await this.startManual(actor, id, wf, triggerKey);
        const executionId = started ?? (await this.store.executionByTrigger(actor.orgId, id, triggerKey))!.id;
        results.push({ id, ok: true, executionId, alreadyStarted: started === null });
      } catch (err) {
        // Deleted between the check and the start: its own result, the others still start.
        if (!(err instanceof AppError)) throw err;
        results.push({ id, ok: false, error: { code: err.code, message: err.message } });
      }
    }
    const succeeded = results.filter((r) => r.ok).length;
    return { workflowName: wf.name, succeeded, failed: results.length - succeeded, results };
  }

  private async currentOf(orgId: number, workflowId: number) {
    const w = await this.store.getWorkflow(orgId, workflowId);
    if (!w) throw field('workflowId', `workflow ${workflowId} does not exist. Pick one from Workflows.`);
    const v = await this.store.version(orgId, w.id, w.current_version);
    return { id: w.id, name: w.name, versionId: v!.id };
  }

  /** The Workflow section of Incident Details: each execution, its steps with time and outcome. */
  async executions(orgId: number, incidentId: number): Promise<ExecutionView[]> {
    await this.deps.incidents.detail(orgId, incidentId);
    const rows = await this.store.executionsOf(orgId, incidentId);
    const outcomes = await this.store.outcomesOf(rows.map((r) => r.id));
    const out: ExecutionView[] = [];
    for (const e of rows) {
      const v = await this.store.versionById(orgId, e.version_id);
      const specs = v ? (JSON.parse(v.steps) as StepSpec[]) : [];
      out.push({
        id: e.id,
        incidentId: e.incident_id,
        workflowId: e.workflow_id,
        workflowName: e.workflow_name,
        versionId: e.version_id,
        trigger: e.trigger_key === 'ingest' ? 'ingest' : 'manual',
        status: e.status,
        reason: e.reason,
        startedBy: e.started_by,
        startedAt: e.started_at,
        finishedAt: e.finished_at,
        steps: specs.map((s, index) => {
          const o = outcomes.find((x) => x.execution_id === e.id && x.step_index === index);
          return {
            index,
            kind: s.kind,
            label: stepLabel(s),
            status: o?.status ?? 'pending',
            detail: o?.detail ?? null,
            ticketId: o?.ticket_id ?? null,
            branch: o?.branch ?? null,
            waitingUntil: o?.status === 'waiting' ? o.wait_until : null,
            attempts: o?.attempts ?? 0,
            startedAt: o?.started_at ?? null,
            finishedAt: o?.finished_at ?? null,
          };
        }),
      });
    }
    return out;
  }

  /** The demo's incidents, ingested (and so evaluated) as a DLP feed's are. */
  demoIngest(actor: Principal, items: unknown[]): Promise<IngestBatchResult> {
    return this.deps.incidents.ingestBatch(actor, items);
  }

  // ---------------------------------------------------------------- jobs

  runEvaluateJob(job: Job): Promise<void> {
    return this.engine.evaluate(job as Job<EvaluatePayload>);
  }

  runStepJob(job: Job): Promise<void> {
    return this.engine.runStep(job as Job<StepPayload>);
  }
}
