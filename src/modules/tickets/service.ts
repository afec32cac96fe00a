import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { AnyExec } from '../../platform/module.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Job } from '../../platform/jobs/index.js';
import type { Principal } from '../../platform/principal.js';
import type { IncidentTicketSummary } from '../incidents/schemas.js';
import type { IntegrationSummary } from '../integrations/service.js';
import { descriptorOf } from '../../connectors/descriptors.js';
import { createInput, noteTag, requestBody } from './content.js';
import { CreateJob } from './create-job.js';
import { CREATE_JOB, type CreateJobPayload, type TicketsDeps } from './deps.js';
import {
  STUCK_AFTER_MS,
  type ClosedTicketPolicy,
  type CreateTicketInput,
  type TicketListQuery,
  type TicketOptions,
  type TicketPreview,
  type TicketView,
} from './schemas.js';
import { TicketsStore, type TicketRecord } from './store.js';
import { ticketName, ticketView } from './views.js';
import { INT32_MAX } from '../../platform/http/input.js';

/** The job gives up by the deadline in config, not by a count of attempts. */
const JOB_MAX_ATTEMPTS = 100_000;
/** A preview has no ticket id yet; the real marker is `wfa-<ticket id>`. */
const PREVIEW_MARKER = 'wfa-preview';

type Resolved = {
  integration: IntegrationSummary & { type: 'servicenow' | 'jira_cloud' };
  project: { id: number; key: string; name: string; issueTypeId: string } | null;
  assignee: { id: number; name: string; email: string; externalId: string };
};

/** A promise's outcome as a value, so reads made together can be judged in a fixed order. */
type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };
const settle = <T>(p: Promise<T>): Promise<Settled<T>> =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
function unsettle<T>(s: Settled<T>): T {
  if (!s.ok) throw s.error;
  return s.value;
}

const field = (name: string, message: string) => badRequest(`${name}: ${message}`, [{ field: name, message }]);

/**
 * The Ticket action and what shows tickets: validation, the one-transaction Submit (ticket, State
 * Changes entry and creation job together), previews, lists and retries. The creation itself is
 * the job in create-job.ts.
 */
export class TicketsService {
  readonly store: TicketsStore;
  private readonly job: CreateJob;

  constructor(private readonly deps: TicketsDeps) {
    this.store = new TicketsStore(deps.db);
    this.job = new CreateJob(deps, this.store);
    deps.incidents.ticketHooks.useTicketSummaries((orgId, ids, exec) => this.summaries(orgId, ids, exec));
  }

  /** What this module was built with (the demo seeder reads through the same dependencies). */
  get dependencies(): TicketsDeps {
    return this.deps;
  }

  /**
   * What happens when a ticket is requested for an incident whose ticket on this integration is
   * closed. The integration's sync settings (the ticketSync module) decide.
   */
  closedTicketPolicy(orgId: number, integrationId: number): Promise<ClosedTicketPolicy> {
    return this.deps.ticketSync.closedTicketPolicy(orgId, integrationId);
  }

  // ---------------------------------------------------------------- reading

  private async integrationMap(orgId: number): Promise<Map<number, IntegrationSummary>> {
    return new Map((await this.deps.integrations.summaries(orgId)).map((i) => [i.id, i]));
  }

  private async views(orgId: number, rows: TicketRecord[]): Promise<TicketView[]> {
    const map = await this.integrationMap(orgId);
    return rows.map((r) => ticketView(r, map.get(r.integration_id)));
  }

  async get(orgId: number, id: number): Promise<TicketView> {
    const t = await this.store.get(orgId, id);
    if (!t) throw notFound('Ticket');
    return (await this.views(orgId, [t]))[0];
  }

  async forIncident(orgId: number, incidentId: number): Promise<TicketView[]> {
    await this.deps.incidents.detail(orgId, incidentId);
    return this.views(orgId, await this.store.byIncident(orgId, incidentId));
  }

  async list(orgId: number, q: TicketListQuery) {
    // Digits are an integration user id only while they fit its column; longer ones can only be an email's start.
    const userId = q.assignee && /^\d+$/.test(q.assignee) && Number(q.assignee) <= INT32_MAX ? Number(q.assignee) : null;
    const { rows, total } = await this.store.list(orgId, q, userId);
    return { items: await this.views(orgId, rows), total, page: q.page, pageSize: q.pageSize };
  }

  private async summaries(orgId: number, incidentIds: number[], exec: AnyExec): Promise<Map<number, IncidentTicketSummary[]>> {
    const out = new Map<number, IncidentTicketSummary[]>();
    for (const r of await this.store.summaries(orgId, incidentIds, exec)) {
      const list = out.get(r.incident_id) ?? [];
      list.push({ id: r.id, integrationName: r.integration_name, state: r.state, ticketKey: r.external_key });
      out.set(r.incident_id, list);
    }
    return out;
  }

  /** The Ticket window's choices: enabled ticketing integrations, their Jira projects and active users. */
  async options(orgId: number, incidentId: number): Promise<TicketOptions> {
    await this.deps.incidents.detail(orgId, incidentId);
    const integrations = (await this.deps.integrations.summaries(orgId)).filter((i) => i.enabled && (i.type === 'servicenow' || i.type === 'jira_cloud'));
    return {
      integrations: await Promise.all(
        integrations.map(async (i) => ({
          id: i.id,
          name: i.name,
          type: i.type as 'servicenow' | 'jira_cloud',
          typeLabel: descriptorOf(i.type).label,
          projects:
            i.type === 'jira_cloud'
              ? (await this.deps.integrations.projects(orgId, i.id))
                  .filter((p) => p.labelsSupported)
                  .map((p) => ({ id: p.id, key: p.key, name: p.name, issueTypes: p.issueTypes }))
              : [],
          users: (await this.deps.integrationUsers.listAssignable(orgId, i.id)).map((u) => ({ id: u.id, name: u.name, email: u.email })),
        })),
      ),
    };
  }

  // ---------------------------------------------------------------- validation

  /** Checks a Ticket window submission; every refusal names the field and what to do. */
  private async resolve(orgId: number, input: CreateTicketInput): Promise<Resolved> {
    // The reads do not depend on each other, so they go together; they are judged in order below.
    // Projects are read only when asked for (a project id was given): for a Jira integration.
    const [integration, user, projects] = await Promise.all([
      this.deps.integrations.summary(orgId, input.integrationId),
      this.deps.integrationUsers.getAssignee(orgId, input.integrationUserId),
      input.projectId ? settle(this.deps.integrations.projects(orgId, input.integrationId)) : null,
    ]);
    if (!integration || (integration.type !== 'servicenow' && integration.type !== 'jira_cloud')) {
      throw field('integrationId', `your organization has no ServiceNow or Jira Cloud integration ${input.integrationId}.`);
    }
    if (!integration.enabled) throw field('integrationId', `the integration ${integration.name} is disabled. Enable it on Setup > Integrations first.`);
    const typed = integration as Resolved['integration'];

    let project: Resolved['project'] = null;
    if (typed.type === 'jira_cloud') {
      if (!input.projectId) throw field('projectId', `pick the Jira project of ${integration.name} the ticket goes to.`);
      const p = unsettle(projects!).find((x) => x.id === input.projectId);
      if (!p) throw field('projectId', `project ${input.projectId} is not a project of ${integration.name}; sync its project list if it is new.`);
      if (!p.labelsSupported)
        throw field(
          'projectId',
          `project ${p.key} has no Labels field on its create screen, which tickets need to be created exactly once. Add Labels to the screen and sync the project list.`,
        );
      const issueTypeId = input.issueTypeId ?? p.mappedIssueTypes[0]?.id ?? p.issueTypes[0]?.id;
      if (!issueTypeId || !p.issueTypes.some((t) => t.id === issueTypeId)) {
        throw field(
          'issueTypeId',
          `choose one of the issue types of ${p.key}: ${p.issueTypes.map((t) => `${t.name} (${t.id})`).join(', ') || 'none — sync the project list'}.`,
        );
      }
      project = { id: p.id, key: p.key, name: p.name, issueTypeId };
    } else if (input.projectId !== undefined || input.issueTypeId !== undefined) {
      throw field('projectId', 'ServiceNow incidents have no project or issue type; leave them out.');
    }

    if (!user || user.integrationId !== integration.id) {
      throw field(
        'integrationUserId',
        `user ${input.integrationUserId} is not an integration user of ${integration.name}. Add them on Setup > Integration Users first.`,
      );
    }
    if (user.removed || user.status !== 'active') {
      throw field(
        'integrationUserId',
        `${user.email} is ${user.removed ? 'removed' : user.status.replace(/_/g, ' ')} and cannot be assigned tickets. Pick an active user.`,
      );
    }
    return { integration: typed, project, assignee: { id: user.id, name: user.name, email: user.email, externalId: user.externalId } };
  }

  /** 409 naming the live ticket that blocks a new one on the same integration. */
  private blocked(live: TicketRecord, integrationName: string) {
    return conflict(
      `This incident already has ticket ${ticketName(live)} on ${integrationName} (${live.state}). A new one can be requested once it is closed.`,
      {
        ticketId: live.id,
        ticketKey: live.external_key,
      },
    );
  }

  // ---------------------------------------------------------------- preview and submit

  async preview(actor: Principal, incidentId: number, input: CreateTicketInput): Promise<TicketPreview> {
    const incident = await this.deps.incidents.detail(actor.orgId, incidentId);
    const r = await this.resolve(actor.orgId, input);
    const mappings = r.project ? await this.deps.integrations.fieldMappings(actor.orgId, r.project.id, r.project.issueTypeId) : [];
    const built = createInput(
      incident,
      { type: r.integration.type, assigneeExternalId: r.assignee.externalId, projectKey: r.project?.key, issueTypeId: r.project?.issueTypeId, mappings },
      PREVIEW_MARKER,
      this.deps.config.publicUrl,
    );
    const live = await this.store.live(actor.orgId, incidentId, r.integration.id);
    const body = requestBody(r.integration.type, built);
    const sent = (r.integration.type === 'jira_cloud' ? (body as { fields: Record<string, unknown> }).fields : body) as Record<string, unknown>;
    return {
      summary: built.summary,
      description: built.description + (built.incidentUrl ? `\n\nLinked security incident: ${built.incidentUrl}` : ''),
      assignee: { name: r.assignee.name, email: r.assignee.email, externalId: r.assignee.externalId },
      fields: sent,
      body,
      existing: live ? (await this.views(actor.orgId, [live]))[0] : null,
    };
  }

  /**
   * Submit: the pending ticket, its State Changes entry and its creation job in one transaction,
   * answered at once; the job does the rest.
   */
  async create(actor: Principal, incidentId: number, input: CreateTicketInput): Promise<TicketView> {
    // Every read a Submit needs at once (each round trip adds to the answer's time), judged in the
    // order a person fixes things: the incident, the window's fields, then the tickets it already has.
    const [found, resolved, existing] = await Promise.all([
      // Of the incident, only that it exists and its transaction id: one small read, not its details.
      settle(this.store.incidentTransactionId(actor.orgId, incidentId)),
      settle(this.resolve(actor.orgId, input)),
      settle(
        Promise.all([this.store.live(actor.orgId, incidentId, input.integrationId), this.store.latestClosed(actor.orgId, incidentId, input.integrationId)]),
      ),
    ]);
    const transactionId = unsettle(found);
    if (transactionId === undefined) throw notFound('Incident');
    const r = unsettle(resolved);
    const [live, closed] = unsettle(existing);
    if (live) throw this.blocked(live, r.integration.name);
    const notes = input.notes?.trim() || null;
    const policy = closed ? await this.closedTicketPolicy(actor.orgId, r.integration.id) : 'create_new';
    if (closed && policy !== 'create_new') return this.followUp(actor, closed, policy, notes);
    const now = nowIso();
    let row: TicketRecord;
    try {
      row = await this.deps.db.transaction().execute(async (trx) => {
        const ticket = await this.store.insert(trx, {
          org_id: actor.orgId,
          incident_id: incidentId,
          transaction_id: transactionId,
          integration_id: r.integration.id,
          integration_type: r.integration.type,
          integration_name: r.integration.name,
          integration_user_id: r.assignee.id,
          assignee_name: r.assignee.name,
          assignee_email: r.assignee.email,
          assignee_external_id: r.assignee.externalId,
          project_id: r.project?.id ?? null,
          project_key: r.project?.key ?? null,
          project_name: r.project?.name ?? null,
          issue_type_id: r.project?.issueTypeId ?? null,
          notes,
          state: 'creating',
          external_id: null,
          external_key: null,
          external_url: null,
          external_status: null,
          external_status_category: null,
          external_assignee_id: null,
          failure_reason: null,
          field_errors: null,
          requested_at: now,
          create_sent_at: null,
          note_tag: null,
          pending_action: null,
          last_synced_at: null,
          created_by: actor.label,
          created_by_admin_id: actor.adminId,
          created_at: now,
          updated_at: now,
          closed_at: null,
        });
        const where = r.project ? ` in project ${r.project.key}` : '';
        await this.deps.incidents.ticketHooks.recordEvent(trx, actor.orgId, incidentId, {
          action: 'ticket',
          summary: `Ticket requested on ${r.integration.name}${where} for ${r.assignee.name} (${r.assignee.email})${notes ? `. Notes: ${notes}` : ''}`,
          changedBy: actor.label,
          adminId: actor.adminId,
        });
        await this.enqueue(trx, actor.orgId, ticket.id, 1);
        return ticket;
      });
    } catch (err) {
      // Lost a race with a simultaneous Submit: the database let only one live ticket in.
      if (!isUniqueViolation(err)) throw err;
      const winner = await this.store.live(actor.orgId, incidentId, r.integration.id);
      throw winner ? this.blocked(winner, r.integration.name) : conflict('A ticket for this incident was requested at the same moment. Reload to see it.');
    }
    // The row as inserted is the row as stored: nothing else can have changed it before the answer.
    return (await this.views(actor.orgId, [row]))[0];
  }

  /**
   * The closed-ticket policy on the incident's closed ticket: reopen it, or add the notes to it as
   * a comment. Like Submit: the change, its State Changes entry and the job in one transaction.
   */
  private async followUp(actor: Principal, closed: TicketRecord, policy: 'reopen' | 'comment', notes: string | null): Promise<TicketView> {
    const key = ticketName(closed);
    if (policy === 'comment' && !notes) {
      throw field(
        'notes',
        `ticket ${key} on ${closed.integration_name} is closed and this integration adds new requests to it as a comment: write the notes to add.`,
      );
    }
    if (closed.pending_action) throw conflict(`Ticket ${key} is still taking the previous request; try again in a moment.`);
    const now = nowIso();
    const run = closed.runs + 1;
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        const ok = await this.store.update(
          trx,
          actor.orgId,
          closed.id,
          {
            runs: run,
            requested_at: now,
            notes,
            comment_posted: 0,
            note_tag: noteTag(closed.id, run),
            pending_action: policy,
            failure_reason: null,
            updated_at: now,
            ...(policy === 'reopen' ? { state: 'open' as const, closed_at: null } : {}),
          },
          { state: ['closed'], run: closed.runs },
        );
        if (!ok) throw conflict(`Ticket ${key} changed at the same moment. Reload and try again.`);
        await this.deps.incidents.ticketHooks.recordEvent(trx, actor.orgId, closed.incident_id, {
          action: 'ticket',
          summary: `${policy === 'reopen' ? 'Reopening' : 'Adding the notes to'} closed ticket ${key} on ${closed.integration_name} (closed-ticket policy)${notes ? `. Notes: ${notes}` : ''}`,
          changedBy: actor.label,
          adminId: actor.adminId,
        });
        await this.enqueue(trx, actor.orgId, closed.id, run);
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const live = await this.store.live(actor.orgId, closed.incident_id, closed.integration_id);
      throw live ? this.blocked(live, closed.integration_name) : err;
    }
    return this.get(actor.orgId, closed.id);
  }

  private enqueue(exec: AnyExec, orgId: number, ticketId: number, run: number) {
    const payload: CreateJobPayload = { ticketId, run };
    return this.deps.jobs.enqueue(exec as never, {
      kind: CREATE_JOB,
      orgId,
      payload,
      dedupeKey: `${CREATE_JOB}:${ticketId}:${run}`,
      maxAttempts: JOB_MAX_ATTEMPTS,
    });
  }

  // ---------------------------------------------------------------- retry

  /** Runs a failed (or stuck) creation again; a create that may have been sent is searched for first. */
  async retry(actor: Principal, id: number): Promise<TicketView> {
    const t = await this.store.get(actor.orgId, id);
    if (!t) throw notFound('Ticket');
    const stuck = t.state === 'creating' && Date.now() - Date.parse(t.updated_at) > STUCK_AFTER_MS;
    if (t.state !== 'failed' && !stuck) {
      throw conflict(
        t.state === 'creating'
          ? `Ticket ${ticketName(t)} is still being created; Retry is offered once it fails or has made no progress for ${STUCK_AFTER_MS / 60_000} minutes.`
          : `Ticket ${ticketName(t)} is ${t.state}; only failed tickets can be retried.`,
      );
    }
    const now = nowIso();
    const run = t.runs + 1;
    try {
      await this.deps.db.transaction().execute(async (trx) => {
        const ok = await this.store.update(
          trx,
          actor.orgId,
          id,
          { state: 'creating', runs: run, requested_at: now, failure_reason: null, field_errors: null, updated_at: now },
          { state: [t.state], run: t.runs },
        );
        if (!ok) throw conflict(`Ticket ${ticketName(t)} changed while you were looking at it. Reload and try again.`);
        await this.deps.incidents.ticketHooks.recordEvent(trx, actor.orgId, t.incident_id, {
          action: 'ticket',
          summary: `Ticket creation on ${t.integration_name} retried for ${t.assignee_name} (${t.assignee_email})`,
          changedBy: actor.label,
          adminId: actor.adminId,
        });
        await this.enqueue(trx, actor.orgId, id, run);
      });
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const live = await this.store.live(actor.orgId, t.incident_id, t.integration_id);
      throw live ? this.blocked(live, t.integration_name) : err;
    }
    return this.get(actor.orgId, id);
  }

  async retryMany(actor: Principal, ids: number[]) {
    const results: { id: number; ok: boolean; error?: { code: string; message: string } }[] = [];
    for (const id of [...new Set(ids)]) {
      try {
        await this.retry(actor, id);
        results.push({ id, ok: true });
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        results.push({ id, ok: false, error: { code: err.code, message: err.message } });
      }
    }
    const succeeded = results.filter((r) => r.ok).length;
    return { succeeded, failed: results.length - succeeded, results };
  }

  // ---------------------------------------------------------------- background and usage

  /** The `tickets.create` job. */
  runCreateJob(job: Job): Promise<void> {
    return this.job.run(job as Job<CreateJobPayload>);
  }

  countLiveByIntegration(orgId: number, integrationId: number, exec?: AnyExec): Promise<number> {
    return this.store.countLiveByIntegration(orgId, integrationId, exec as never);
  }

  countLiveByUser(orgId: number, integrationUserId: number, exec?: AnyExec): Promise<number> {
    return this.store.countLiveByUser(orgId, integrationUserId, exec as never);
  }
}
