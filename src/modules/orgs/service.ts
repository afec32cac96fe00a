import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import type { PlatformTables } from '../../platform/db/types.js';
import type { OrgSetup } from '../../platform/module.js';
import type { RolesService } from '../roles/service.js';

/** The orgs table is the platform's; this module creates and lists orgs. */
export type OrgsDb = Pick<PlatformTables, 'orgs'>;

export class OrgsService {
  private readonly setups: OrgSetup[] = [];
  constructor(
    private readonly db: Kysely<OrgsDb>,
    private readonly roles: Pick<RolesService, 'createBuiltins'>,
  ) {}

  /** Modules that write per-org defaults (their `orgSetup`), registered by the root in list order. */
  registerSetup(setup: OrgSetup): void {
    this.setups.push(setup);
  }

  /** A new customer with its built-in roles and every module's defaults. */
  async create(name: string): Promise<{ id: number; name: string; roleIds: Map<string, number> }> {
    return this.db.transaction().execute(async (trx) => {
      const org = await trx.insertInto('orgs').values({ name, created_at: nowIso() }).returning('id').executeTakeFirstOrThrow();
      const roleIds = await this.roles.createBuiltins(trx, org.id);
      for (const setup of this.setups) await setup(trx, org.id);
      return { id: org.id, name, roleIds };
    });
  }

  get(id: number) {
    return this.db.selectFrom('orgs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  first() {
    return this.db.selectFrom('orgs').selectAll().orderBy('id').limit(1).executeTakeFirst();
  }

  listIds(): Promise<number[]> {
    return this.db
      .selectFrom('orgs')
      .select('id')
      .execute()
      .then((r) => r.map((x) => x.id));
  }
}
