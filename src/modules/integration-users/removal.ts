import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import type { Exec } from '../../platform/db/exec.js';
import type { IntegrationUsersTables as DB } from './tables.js';
import { conflict, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import type { IntegrationUsersStore } from './store.js';
import { AUDIT } from './user-view.js';

/**
 * Another module that refers to integration users (e.g. a workflow's default assignee) registers a
 * check here; Remove is refused while any check names a use ("workflow “Auto tickets”").
 */
export type UsageCheck = (exec: Exec<DB>, orgId: number, user: { id: number; email: string; integrationId: number }) => Promise<string[]>;

/** Remove: refused while another module still uses the user; existing tickets keep their assignee. */
export class UserRemoval {
  private readonly usages = new Map<string, UsageCheck>();

  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: IntegrationUsersStore,
    private readonly audit: AuditRecorder,
  ) {}

  registerUsage(name: string, check: UsageCheck): void {
    this.usages.set(name, check);
  }

  async remove(actor: Principal, id: number): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const current = await this.store.get(actor.orgId, id, trx);
      if (!current) throw notFound('Integration user');
      const uses: string[] = [];
      for (const check of this.usages.values())
        uses.push(...(await check(trx, actor.orgId, { id, email: current.email, integrationId: current.integration_id })));
      if (uses.length) {
        throw conflict(`${current.email} cannot be removed: they are the default assignee of ${uses.join(', ')}. Choose another assignee there first.`, {
          usedBy: uses,
        });
      }
      await this.store.remove(trx, actor.orgId, id, nowIso());
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: AUDIT.module,
        resource: AUDIT.resource,
        resourceId: id,
        notes: `Removed integration user ${current.email} (${current.name}); existing tickets keep their assignee`,
        before: { email: current.email, name: current.name, username: current.username, externalId: current.external_id, status: current.status },
      });
    });
  }
}
