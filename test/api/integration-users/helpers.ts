import { createWorker } from '../../../src/background.js';
import type { Session, TestApp } from '../../helpers/test-app.js';
import type { Sandbox } from '../integrations/helpers.js';

export { noWait, sandbox as startTestSandbox, type Sandbox } from '../integrations/helpers.js';

let n = 0;
const unique = (p: string) => `${p}-${++n}-${Math.random().toString(36).slice(2, 6)}`;

/** Connects a ServiceNow and a Jira Cloud integration to the sandbox through the integrations API. */
export async function connectBoth(s: Session, sb: Sandbox, names: { sn?: string; jira?: string } = {}) {
  const sn = await s.post('/api/v1/integrations', {
    type: 'servicenow',
    name: names.sn ?? unique('SNOW'),
    baseUrl: sb.servicenowUrl,
    credentials: { authMethod: 'basic', ...sb.credentials.servicenow.basic },
  });
  if (sn.statusCode !== 201) throw new Error(`connect ServiceNow: ${sn.statusCode} ${sn.body}`);
  const jira = await s.post('/api/v1/integrations', {
    type: 'jira_cloud',
    name: names.jira ?? unique('JIRA'),
    baseUrl: sb.jiraUrl,
    credentials: { email: sb.credentials.jira.email, apiToken: sb.credentials.jira.apiToken },
  });
  if (jira.statusCode !== 201) throw new Error(`connect Jira: ${jira.statusCode} ${jira.body}`);
  return { sn: sn.json() as { id: number; name: string }, jira: jira.json() as { id: number; name: string } };
}

/** Runs queued jobs (the CSV import) until none is due. */
export async function drainJobs(t: TestApp): Promise<void> {
  await createWorker(t.ctx).drain();
}

export async function rowCount(t: TestApp): Promise<number> {
  const r = await t.ctx.db
    .selectFrom('integration_users')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('removed_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export async function auditCount(t: TestApp): Promise<number> {
  const r = await t.ctx.db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('resource', '=', 'Integration User')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
