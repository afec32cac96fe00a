import { nowIso } from '../../platform/db/database.js';
import { RetryLater } from '../../platform/jobs/index.js';
import type { DemoSandbox } from '../../platform/module.js';
import type { Principal } from '../../platform/principal.js';
import { listQuery } from '../incidents/schemas.js';
import type { TicketsService } from './service.js';

/** What the demo needs of the sandbox beyond its URLs: moving a ticket as a person working it would. */
type SandboxWithState = DemoSandbox & {
  state?: { setTicketStatus(id: string, status: string): unknown; jira: { accounts: { accountId: string; active: boolean }[] } };
};

const DAY = 86_400_000;

/**
 * Demo: a few incidents with tickets in each state — open and closed in ServiceNow and Jira,
 * one failed with Jira's own reason (a required field left unmapped), one still being created —
 * so a newcomer sees the Ticket section filled at once. Idempotent: an org with tickets is left as is.
 */
export async function seedDemoTickets(service: TicketsService, actor: Principal, sandbox: DemoSandbox): Promise<string[]> {
  if ((await service.store.countAll(actor.orgId)) > 0) return [];
  const deps = service.dependencies;
  const integrations = (await deps.integrations.summaries(actor.orgId)).filter((i) => i.enabled);
  const sn = integrations.find((i) => i.type === 'servicenow');
  const jira = integrations.find((i) => i.type === 'jira_cloud');
  if (!sn || !jira) return ['Tickets: no demo tickets (connect the sandbox ServiceNow and Jira first).'];
  const [snUser] = await deps.integrationUsers.listAssignable(actor.orgId, sn.id);
  const [jiraUser] = await deps.integrationUsers.listAssignable(actor.orgId, jira.id);
  const sec = (await deps.integrations.projects(actor.orgId, jira.id)).find((p) => p.key === 'SEC' && p.labelsSupported);
  if (!snUser || !jiraUser || !sec) return ['Tickets: no demo tickets (the sandbox integrations need an active user and the SEC project).'];

  const to = new Date(Date.now() + DAY).toISOString();
  const from = new Date(Date.now() - 180 * DAY).toISOString();
  const page = await deps.incidents.list(actor.orgId, listQuery.parse({ from, to, pageSize: '10', sort: 'incidentDate', order: 'desc' }));
  const [a, b, c, d, e] = page.items.filter((i) => i.status !== 'Resolved').map((i) => i.id);
  if (e === undefined) return ['Tickets: no demo tickets (not enough open incidents).'];

  const jiraTask = { integrationId: jira.id, projectId: sec.id, issueTypeId: '10001', integrationUserId: jiraUser.id };
  const snTicket = { integrationId: sn.id, integrationUserId: snUser.id };
  const run = async (incidentId: number, input: typeof snTicket & { projectId?: number; issueTypeId?: string }, notes: string) => {
    const t = await service.create(actor, incidentId, { ...input, notes });
    try {
      await service.runCreateJob({
        id: 0,
        orgId: actor.orgId,
        kind: 'tickets.create',
        payload: { ticketId: t.id, run: 1 },
        attempts: 1,
        maxAttempts: 1,
        runAt: nowIso(),
        lastError: null,
        interruptions: 0,
      });
    } catch (err) {
      // The server's own worker claimed the job first: it finishes it, the demo waits for that.
      if (!(err instanceof RetryLater)) throw err;
    }
    return settled(t.id);
  };
  /** The ticket once no longer being created (bounded: the demo goes on with it as it is). */
  const settled = async (id: number) => {
    for (let i = 0; i < 100; i++) {
      const v = await service.get(actor.orgId, id);
      if (v.state !== 'creating') return v;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return service.get(actor.orgId, id);
  };
  const open = [
    await run(a, snTicket, 'Please confirm with the user whether the upload was approved.'),
    await run(b, jiraTask, 'Possible exfiltration: review the destination.'),
  ];
  const closed = await run(c, snTicket, 'Closed in ServiceNow by the demo.');
  const state = (sandbox as SandboxWithState).state;
  if (closed.ticketKey && state) {
    state.setTicketStatus(closed.ticketKey, 'Resolved');
    await service.store.update(deps.db, actor.orgId, closed.id, {
      state: 'closed',
      external_status: 'Resolved',
      external_status_category: 'done',
      closed_at: nowIso(),
      last_synced_at: nowIso(),
      updated_at: nowIso(),
    });
  }
  // The assignee is deactivated in Jira for a moment, as happens to people who leave: Jira refuses
  // the assignee field with its own message, and the ticket fails at once.
  const account = state?.jira.accounts.find((x) => x.accountId === jiraUser.externalId);
  if (account) account.active = false;
  const failed = await run(d, jiraTask, 'This one fails: the assignee was deactivated in Jira.').finally(() => {
    if (account) account.active = true;
  });
  const creating = await service.create(actor, e, { ...snTicket, notes: 'Created by the worker in a moment.' });
  return [
    `Tickets: ${open.map((t) => t.ticketKey).join(', ')} open, ${closed.ticketKey} closed, one ${failed.state} (${failed.failureReason ?? 'no reason'}), one being created (#${creating.id}); see Incidents > Details > Ticket.`,
  ];
}
