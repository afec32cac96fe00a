import { createWorker } from '../../../src/background.js';
import type { TestApp } from '../../helpers/test-app.js';

/** Runs queued jobs (the User Attributes import) until none is due. */
export async function drainJobs(t: TestApp): Promise<void> {
  await createWorker(t.ctx).drain();
}

export async function auditEntries(
  t: TestApp,
  orgId: number,
  module: string,
): Promise<{ action: string; notes: string; before: string | null; after: string | null }[]> {
  return t.ctx.db
    .selectFrom('audit_log')
    .select(['action', 'change_notes as notes', 'before_json as before', 'after_json as after'])
    .where('org_id', '=', orgId)
    .where('module', '=', module)
    .orderBy('id')
    .execute();
}

/** Row counts of this module's tables for one org: a refused request must leave them as they were. */
export async function tableCounts(t: TestApp, orgId: number) {
  const count = async (table: 'approvers' | 'user_attributes' | 'user_attribute_imports' | 'account_settings') =>
    Number(
      (
        await t.ctx.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('org_id', '=', orgId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    approvers: await count('approvers'),
    attributes: await count('user_attributes'),
    imports: await count('user_attribute_imports'),
    settings: await count('account_settings'),
  };
}
