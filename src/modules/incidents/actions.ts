import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import type { IncidentsDb as DB } from './db.js';
import { AppError, badRequest, conflict, notFound } from '../../platform/http/errors.js';
import { allows } from '../../platform/permissions.js';
import type { Principal } from '../../platform/principal.js';
import type { AdminsService } from '../admins/service.js';
import type { LabelsService } from '../labels/service.js';
import type { RolesService } from '../roles/service.js';
import { PRIORITY_RANK, priorityOf } from './incident-view.js';
import type { BulkResult, CloseBody, IncidentDetail, LabelPick, Priority, Status } from './schemas.js';
import type { IncidentChangeHooks } from './change-hooks.js';
import type { IncidentQueries } from './queries.js';
import type { IncidentRecord, IncidentsStore } from './store.js';

type Plan = {
  action: string;
  status?: Status;
  patch?: Partial<Omit<IncidentRecord, 'id' | 'org_id'>>;
  /** What happened, for State Changes and Last Change. */
  summary: string;
  notes?: string;
  labels?: { mode: 'replace' | 'add'; rows: { labelId: number; name: string; value: string | null }[] };
};
type Planner = (row: IncidentRecord) => Plan;

const refused = (message: string) => conflict(message);

/** The incident actions (Close, Reopen, Assign, Priority, Labels, Notes…), one at a time or in bulk, and Delete. */
export class IncidentActions {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: IncidentsStore,
    private readonly queries: IncidentQueries,
    private readonly admins: Pick<AdminsService, 'get'>,
    private readonly roles: Pick<RolesService, 'permissionsOf'>,
    private readonly labels: Pick<LabelsService, 'resolve'>,
    private readonly changes: Pick<IncidentChangeHooks, 'changed'>,
  ) {}

  /**
   * Runs one action on each id in one transaction: the incident change and its State Changes
   * entry land together. A single incident gets the refusal as an error; a bulk run reports it per id.
   */
  private async run(actor: Principal, ids: number[], planner: Planner, bulk: boolean): Promise<BulkResult> {
    const unique = [...new Set(ids)];
    const results: BulkResult['results'] = [];
    await this.db.transaction().execute(async (trx) => {
      const rows = new Map((await this.store.many(actor.orgId, unique, trx)).map((r) => [r.id, r]));
      const events: Parameters<IncidentsStore['addEvents']>[1] = [];
      const now = nowIso();
      for (const id of unique) {
        const row = rows.get(id);
        try {
          if (!row) throw notFound('Incident');
          const plan = planner(row);
          const state = plan.status ?? (row.status as Status);
          await this.store.update(trx, actor.orgId, id, {
            ...plan.patch,
            ...(plan.status ? { status: plan.status } : {}),
            updated_at: now,
            last_change: plan.summary,
          });
          if (plan.labels) await this.store.setLabels(trx, actor.orgId, id, plan.labels.rows, plan.labels.mode, now);
          events.push({
            org_id: actor.orgId,
            incident_id: id,
            state,
            action: plan.action,
            created_at: now,
            changed_by: actor.label,
            admin_id: actor.adminId,
            comment: plan.notes ? `${plan.summary}. Notes: ${plan.notes}` : plan.summary,
          });
          results.push({ id, ok: true });
        } catch (e) {
          if (!bulk || !(e instanceof AppError)) throw e;
          results.push({ id, ok: false, error: { code: e.code, message: e.message } });
        }
      }
      await this.store.addEvents(trx, events);
      const resolved = events.filter((e) => e.action === 'close' && e.state === 'Resolved');
      await this.changes.changed(
        trx,
        actor.orgId,
        resolved.map((e) => ({ kind: 'incident.resolved' as const, incidentId: e.incident_id, at: e.created_at, changedBy: e.changed_by, summary: e.comment })),
      );
    });
    const succeeded = results.filter((r) => r.ok).length;
    return { succeeded, failed: results.length - succeeded, results };
  }

  private async one(actor: Principal, id: number, planner: Planner): Promise<IncidentDetail> {
    await this.run(actor, [id], planner, false);
    return this.queries.detail(actor.orgId, id);
  }

  private investigatingPlanner(notes?: string): Planner {
    return (row) => {
      if (row.status === 'Resolved') throw refused(`Incident ${row.transaction_id} is Resolved. Use Reopen to move it back to Investigating.`);
      return { action: 'investigating', status: 'Investigating', summary: 'Marked as Investigating', notes };
    };
  }

  private async closePlanner(actor: Principal, body: CloseBody): Promise<Planner> {
    const label = body.resolutionLabelId
      ? await this.labels.resolve(actor.orgId, { labelId: body.resolutionLabelId, value: body.resolutionValue }, 'resolutionLabelId')
      : null;
    if (!label && body.resolutionValue)
      throw badRequest('resolutionValue: pick a resolution label first.', [{ field: 'resolutionValue', message: 'No resolution label.' }]);
    return (row) => {
      if (row.status === 'Resolved') throw refused(`Incident ${row.transaction_id} is already Resolved.`);
      const what = [
        'Closed',
        label ? `with resolution label ${label.name}${label.value ? `: ${label.value}` : ''}` : null,
        body.falsePositive ? 'as a false positive' : null,
      ]
        .filter(Boolean)
        .join(' ');
      return {
        action: 'close',
        status: 'Resolved',
        summary: what,
        notes: body.notes,
        patch: {
          resolution_date: nowIso(),
          resolution_label: label?.name ?? null,
          resolution_value: label?.value ?? null,
          false_positive: body.falsePositive ? 1 : 0,
          awaiting_user: null,
        },
      };
    };
  }

  private async assignPlanner(actor: Principal, adminId: number, notes: string | undefined, field: string, self: boolean): Promise<Planner> {
    const admin = await this.admins.get(actor.orgId, adminId).catch((e: unknown) => {
      if (e instanceof AppError && e.statusCode === 404)
        throw badRequest(`${field}: admin ${adminId} does not exist in your organization.`, [{ field, message: 'Unknown admin.' }]);
      throw e;
    });
    if (admin.status !== 'active')
      throw badRequest(`${field}: ${admin.email} is disabled and cannot be assigned incidents.`, [{ field, message: 'Admin is disabled.' }]);
    const perms = await this.roles.permissionsOf(actor.orgId, admin.roleId);
    if (!perms || !allows(perms, 'Incidents', 'edit')) {
      throw badRequest(`${field}: ${admin.email}'s role (${admin.roleName}) cannot edit incidents, so they cannot be the DLP Admin.`, [
        { field, message: 'Admin cannot edit incidents.' },
      ]);
    }
    return () => ({
      action: self ? 'assign-to-me' : 'assign',
      summary: self ? `Assigned to me (${admin.name})` : `Assigned DLP Admin ${admin.name} (${admin.email})`,
      notes,
      patch: { dlp_admin_id: admin.id },
    });
  }

  private async labelsPlanner(actor: Principal, picks: LabelPick[], mode: 'replace' | 'add', notes?: string): Promise<Planner> {
    const rows: { labelId: number; name: string; value: string | null }[] = [];
    for (const [i, p] of picks.entries()) rows.push(await this.labels.resolve(actor.orgId, p, `labels.${i}`));
    const text = rows.map((r) => (r.value ? `${r.name}: ${r.value}` : r.name)).join(', ');
    return () => ({
      action: 'labels',
      summary: mode === 'add' ? `Added labels ${text}` : rows.length ? `Set labels ${text}` : 'Removed all labels',
      notes,
      labels: { mode, rows },
    });
  }

  private selfId(actor: Principal): number {
    if (actor.kind !== 'admin' || !actor.adminId)
      throw badRequest('Assign to Me needs a signed-in admin; an API key cannot be assigned incidents. Use Assign DLP Admin instead.');
    return actor.adminId;
  }

  close = async (actor: Principal, id: number, body: CloseBody) => this.one(actor, id, await this.closePlanner(actor, body));
  investigating = (actor: Principal, id: number, notes?: string) => this.one(actor, id, this.investigatingPlanner(notes));
  reopen = (actor: Principal, id: number, notes?: string) =>
    this.one(actor, id, (row) => {
      if (row.status !== 'Resolved') throw refused(`Only a Resolved incident can be reopened; incident ${row.transaction_id} is ${row.status}.`);
      return {
        action: 'reopen',
        status: 'Investigating',
        summary: 'Reopened',
        notes,
        patch: { resolution_date: null, resolution_label: null, resolution_value: null, false_positive: 0 },
      };
    });
  assignToMe = async (actor: Principal, id: number, notes?: string) =>
    this.one(actor, id, await this.assignPlanner(actor, this.selfId(actor), notes, 'adminId', true));
  assign = async (actor: Principal, id: number, adminId: number, notes?: string) =>
    this.one(actor, id, await this.assignPlanner(actor, adminId, notes, 'adminId', false));
  priority = (actor: Principal, id: number, priority: Priority, notes?: string) =>
    this.one(actor, id, (row) => ({
      action: 'priority',
      summary: `Priority changed from ${priorityOf(row.priority)} to ${priority}`,
      notes,
      patch: { priority: PRIORITY_RANK[priority] },
    }));
  setLabels = async (actor: Principal, id: number, picks: LabelPick[], mode: 'replace' | 'add', notes?: string) =>
    this.one(actor, id, await this.labelsPlanner(actor, picks, mode, notes));
  /** Notes: free text kept on the incident and logged into State Changes. */
  addNotes = (actor: Principal, id: number, notes: string) =>
    this.one(actor, id, () => ({ action: 'notes', summary: 'Notes updated', notes, patch: { notes } }));

  /**
   * Moves an open incident to a state that waits on a person (Validating with User, Escalated,
   * Received Justification Response). Used by the demo now and by Notify User / Escalate later.
   */
  markWaiting = (
    actor: Principal,
    id: number,
    status: 'Validating with User' | 'Escalated' | 'Received Justification Response',
    summary: string,
    user?: string,
  ) =>
    this.one(actor, id, (row) => {
      if (row.status === 'Resolved') throw refused(`Incident ${row.transaction_id} is Resolved. Reopen it first.`);
      return { action: 'status', status, summary, patch: { awaiting_user: status === 'Received Justification Response' ? null : (user ?? row.user_email) } };
    });

  bulk = {
    assignToMe: async (actor: Principal, ids: number[], notes?: string) =>
      this.run(actor, ids, await this.assignPlanner(actor, this.selfId(actor), notes, 'adminId', true), true),
    assign: async (actor: Principal, ids: number[], adminId: number, notes?: string) =>
      this.run(actor, ids, await this.assignPlanner(actor, adminId, notes, 'adminId', false), true),
    priority: (actor: Principal, ids: number[], priority: Priority, notes?: string) =>
      this.run(
        actor,
        ids,
        (row) => ({
          action: 'priority',
          summary: `Priority changed from ${priorityOf(row.priority)} to ${priority}`,
          notes,
          patch: { priority: PRIORITY_RANK[priority] },
        }),
        true,
      ),
    investigating: (actor: Principal, ids: number[], notes?: string) => this.run(actor, ids, this.investigatingPlanner(notes), true),
    close: async (actor: Principal, ids: number[], body: CloseBody) => this.run(actor, ids, await this.closePlanner(actor, body), true),
    labels: async (actor: Principal, ids: number[], picks: LabelPick[], notes?: string) =>
      this.run(actor, ids, await this.labelsPlanner(actor, picks, 'add', notes), true),
  };

  /** Permanent; not recorded in State Changes. Duplicates of the incident go with it. */
  async delete(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const row = await this.store.get(actor.orgId, id, trx);
      if (!row) throw notFound('Incident');
      await this.store.delete(trx, actor.orgId, id);
      if (row.duplicate_of) await this.store.adjustDuplicateCount(trx, actor.orgId, row.duplicate_of, -1);
    });
  }
}
