import { sql } from 'kysely';
import { createWorker } from '../../../src/background.js';
import { fullPermissions } from '../../../src/platform/permissions.js';
import { systemPrincipal } from '../../../src/platform/principal.js';
import type { Sandbox } from '../../../src/sandbox/index.js';
import type { Session, TestApp } from '../../helpers/test-app.js';
import { incident } from '../incidents/helpers.js';
import { withSandboxApp } from '../integrations/helpers.js';
import { connectBoth } from '../integration-users/helpers.js';

export { noWait, sandbox as startTestSandbox, type Sandbox } from '../integrations/helpers.js';

export type World = {
  admin: Session;
  sn: { id: number; name: string };
  jira: { id: number; name: string };
  snUser: { id: number; name: string; email: string };
  jiraUser: { id: number; name: string; email: string };
  /** The SEC project (labels on every create screen). */
  sec: { id: number; key: string };
};

/** Both integrations connected to the sandbox, one active user each, the SEC project synced. */
export async function setUp(t: TestApp, sb: Sandbox, admin?: Session): Promise<World> {
  const s = admin ?? (await t.login(t.admin.email));
  const { sn, jira } = await connectBoth(s, sb);
  const add = async (integrationId: number) => {
    const res = await s.post('/api/v1/integration-users', { integrationId, email: 'abel.tuter@example.com' });
    if (res.statusCode !== 201) throw new Error(`add user: ${res.statusCode} ${res.body}`);
    return res.json() as { id: number; name: string; email: string };
  };
  const projects = (await s.get(`/api/v1/integrations/${jira.id}/projects`)).json().items as { id: number; key: string }[];
  const sec = projects.find((p) => p.key === 'SEC');
  if (!sec) throw new Error('SEC project not synced');
  return { admin: s, sn, jira, snUser: await add(sn.id), jiraUser: await add(jira.id), sec };
}

/** withSandboxApp, with setUp's world made before `use` gets it. */
export function withTicketing(use: (app: { t: TestApp; sb: Sandbox; w: World }) => unknown, overrides: Record<string, string> = {}): void {
  withSandboxApp(async ({ t, sb, admin }) => use({ t, sb, w: await setUp(t, sb, admin) }), overrides);
}

/** A new incident in the org (High severity, PCI rule, Jane Doe). */
export async function newIncident(t: TestApp, orgId = t.orgId, over: Parameters<typeof incident>[0] = {}): Promise<{ id: number; transactionId: string }> {
  const r = await t.ctx.incidents.ingestOne(systemPrincipal(orgId, fullPermissions()), incident(over));
  return { id: r.id!, transactionId: r.transactionId! };
}

/** Runs every due job, then makes the ones waiting for later due and runs again, `rounds` times. */
export async function runJobs(t: TestApp, rounds = 1): Promise<void> {
  const worker = createWorker(t.ctx);
  for (let i = 0; i < rounds; i++) {
    await worker.drain();
    await makeJobsDue(t);
  }
  await worker.drain();
}

export async function makeJobsDue(t: TestApp): Promise<void> {
  await t.ctx.db
    .updateTable('jobs')
    .set({ run_at: new Date(Date.now() - 1000).toISOString() })
    .where('status', '=', 'queued')
    .execute();
}

export async function count(t: TestApp, table: 'tickets' | 'jobs' | 'incident_events', where: (q: any) => any = (q) => q): Promise<number> {
  const r = await where(t.ctx.db.selectFrom(table).select(sql<number>`count(*)`.as('n'))).executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The sandbox tickets whose marker is this ticket's. */
export function sandboxTickets(sb: Sandbox, ticketId: number) {
  const marker = `wfa-${ticketId}`;
  return {
    servicenow: sb.state.servicenow.incidents.filter((i) => i.correlation_id === marker),
    jira: sb.state.jira.issues.filter((i) => i.labels.includes(marker)),
  };
}

export function snNotes(sb: Sandbox, sysId: string): string[] {
  return (sb.state.servicenow.journal.get(sysId) ?? []).filter((j) => j.field === 'work_notes').map((j) => j.value);
}
