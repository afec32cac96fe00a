import type { IntegrationType } from '../../../connectors/index.js';

/** ServiceNow incident states that end the work: Resolved (6), Closed (7) and Canceled (8). */
export const SERVICENOW_CLOSED_STATES = new Set(['6', '7', '8']);

/** What a Jira project counts as finished: its Complete Status and its statuses in Jira's "done" category. */
export type JiraProjectTerminals = { completeStatusId: string | null; doneStatusIds: string[] };

/**
 * Whether a status the system reports means the ticket is closed.
 *
 * Jira: a project may have several terminal statuses (Done, Won't Do, Duplicate...). Jira itself
 * groups them in the "done" status category, so every status of that category is terminal, and so
 * is the project's Complete Status when an admin picked one outside it (e.g. "Resolved" kept in
 * "In Progress"). This needs no second list to keep in step with the project's workflow.
 */
export function isClosedStatus(
  type: IntegrationType,
  status: { id: string; category?: string | null },
  project?: JiraProjectTerminals | null,
): boolean {
  if (type === 'servicenow') return SERVICENOW_CLOSED_STATES.has(status.id);
  if (project?.completeStatusId && status.id === project.completeStatusId) return true;
  if (project?.doneStatusIds.includes(status.id)) return true;
  // A status unknown to our copy of the project (workflow changed since the last project sync): Jira's category decides.
  return status.category === 'done';
}

/** Each Jira project's terminal statuses, by our project id (tickets store that id). */
export function terminalsByProject(projects: { id: number; statuses: { id: string; category: string }[]; completeStatus: { id: string } | null }[]): Map<number, JiraProjectTerminals> {
  return new Map(
    projects.map((p) => [p.id, { completeStatusId: p.completeStatus?.id ?? null, doneStatusIds: p.statuses.filter((s) => s.category === 'done').map((s) => s.id) }]),
  );
}
