import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { Exec } from '../../platform/db/exec.js';
import { badRequest, conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { AccountSettingsTables as DB } from './migrations.js';
import type { ApproverInput, ApproverView, UpdateApproverBody } from './schemas.js';
import { inDomains, outsideDomainsMessage, type SettingsPart } from './settings.js';
import type { AccountSettingsStore, ApproverRecord } from './store.js';

const MODULE = 'Approvers';
const RESOURCE = 'Approver';

export const approverView = (r: ApproverRecord): ApproverView => ({ id: r.id, name: r.name, email: r.email, createdAt: r.created_at, updatedAt: r.updated_at });

const duplicate = (email: string) => conflict(`${email} is already an approver. Each approver email appears once; edit the existing row instead.`);

/** Setup > Approvers: name and email rows, emails unique per org and inside the trusted domains when any are set. */
export class ApproversPart {
  constructor(
    private readonly store: AccountSettingsStore,
    private readonly audit: AuditRecorder,
    private readonly settings: SettingsPart,
  ) {}

  async list(orgId: number, q: { page: number; pageSize: number; search?: string }) {
    const { rows, total } = await this.store.approvers(orgId, q);
    return { items: rows.map(approverView), total, page: q.page, pageSize: q.pageSize };
  }

  async get(orgId: number, id: number): Promise<ApproverView | null> {
    const r = await this.store.approver(orgId, id);
    return r ? approverView(r) : null;
  }

  async all(orgId: number): Promise<ApproverView[]> {
    return (await this.store.allApprovers(orgId)).map(approverView);
  }

  /** Emails of approvers outside these domains (Account Settings refuses a restriction they break). */
  async outside(exec: Exec<DB>, orgId: number, domains: string[]): Promise<string[]> {
    return (await this.store.allApprovers(orgId, exec)).filter((a) => !inDomains(a.email, domains)).map((a) => a.email);
  }

  private async checkDomain(exec: Exec<DB>, orgId: number, email: string, field: string): Promise<void> {
    const { approverDomains } = await this.settings.get(orgId, exec);
    if (approverDomains.length && !inDomains(email, approverDomains))
      throw badRequest(`${field}: ${outsideDomainsMessage(email, approverDomains)}`, [{ field, message: 'Outside the trusted approver domains.' }]);
  }

  /** "Add More" rows saved together: all of them or none. */
  async add(actor: Principal, rows: ApproverInput[]): Promise<ApproverView[]> {
    const seen = new Map<string, number>();
    rows.forEach((r, i) => {
      const key = r.email.toLowerCase();
      if (seen.has(key))
        throw badRequest(`approvers.${i}.email: ${r.email} is entered twice (rows ${seen.get(key)! + 1} and ${i + 1}); keep one.`, [
          { field: `approvers.${i}.email`, message: 'Duplicate email.' },
        ]);
      seen.set(key, i);
    });
    const ids = await this.store.db
      .transaction()
      .execute(async (trx) => {
        for (const [i, r] of rows.entries()) await this.checkDomain(trx, actor.orgId, r.email, `approvers.${i}.email`);
        const existing = await this.store.approversByEmail(actor.orgId, [...seen.keys()], trx);
        if (existing.length) throw duplicate(existing[0].email);
        const now = nowIso();
        const ids: number[] = [];
        for (const r of rows) {
          const id = await this.store.insertApprover(trx, {
            org_id: actor.orgId,
            name: r.name,
            email: r.email,
            email_lower: r.email.toLowerCase(),
            created_at: now,
            updated_at: now,
          });
          ids.push(id);
          await this.audit.record(trx, actor, {
            action: 'Insert',
            module: MODULE,
            resource: RESOURCE,
            resourceId: id,
            notes: `Added approver ${r.name} <${r.email}>`,
            after: { name: r.name, email: r.email },
          });
        }
        return ids;
      })
      .catch((e: unknown) => {
        // Two saves of the same email at once: the unique index refused the second.
        if (isUniqueViolation(e)) throw conflict('One of these emails was just added by someone else. Reload the list and try again.');
        throw e;
      });
    const out: ApproverView[] = [];
    for (const id of ids) {
      const r = await this.store.approver(actor.orgId, id);
      if (r) out.push(approverView(r));
    }
    return out;
  }

  async update(actor: Principal, id: number, input: UpdateApproverBody): Promise<ApproverView> {
    await this.store.db
      .transaction()
      .execute(async (trx) => {
        const current = await this.store.approver(actor.orgId, id, trx);
        if (!current) throw notFound('Approver');
        const name = input.name ?? current.name;
        const email = input.email ?? current.email;
        if (email.toLowerCase() !== current.email_lower) {
          await this.checkDomain(trx, actor.orgId, email, 'email');
          if ((await this.store.approversByEmail(actor.orgId, [email.toLowerCase()], trx)).length) throw duplicate(email);
        }
        await this.store.updateApprover(trx, actor.orgId, id, { name, email, email_lower: email.toLowerCase(), updated_at: nowIso() });
        await this.audit.record(trx, actor, {
          action: 'Update',
          module: MODULE,
          resource: RESOURCE,
          resourceId: id,
          notes: `Edited approver ${name} <${email}>`,
          before: { name: current.name, email: current.email },
          after: { name, email },
        });
      })
      .catch((e: unknown) => {
        if (isUniqueViolation(e)) throw duplicate(input.email ?? '');
        throw e;
      });
    const r = await this.store.approver(actor.orgId, id);
    if (!r) throw notFound('Approver');
    return approverView(r);
  }

  async delete(actor: Principal, id: number): Promise<void> {
    await this.store.db.transaction().execute(async (trx) => {
      const current = await this.store.approver(actor.orgId, id, trx);
      if (!current) throw notFound('Approver');
      await this.store.deleteApprover(trx, actor.orgId, id);
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: id,
        notes: `Deleted approver ${current.name} <${current.email}>`,
        before: { name: current.name, email: current.email },
      });
    });
  }
}
