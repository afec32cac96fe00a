import { nowIso } from '../../platform/db/database.js';
import type { AnyExec } from '../../platform/db/database.js';
import { notFound } from '../../platform/http/errors.js';
import type { Status } from './schemas.js';
import type { IncidentsStore } from './store.js';

/** What the remediation module reads of an incident inside its own transaction. */
export type RemediationIncident = { id: number; transactionId: string; status: Status; userEmail: string; userName: string };

export type RemediationMove = {
  /** The new status; null keeps the current one (a Resolved incident stays Resolved). */
  status: Status | null;
  /** The person whose response is awaited (Current State Details > User); null when nobody is. */
  awaitingUser: string | null;
  /** Machine-readable action name ("notify-user", "escalate", "response"). */
  action: string;
  /** What happened, for State Changes and Last Change. */
  summary: string;
  /** Who: an admin's label, "System", or the person who answered a survey. */
  changedBy: string;
  adminId: number | null;
};

/**
 * What the remediation module (Notify User, Escalate, survey answers) does to incidents, inside the
 * caller's transaction so the survey link, the message and the status move commit together.
 */
export class IncidentRemediationHooks {
  constructor(private readonly store: IncidentsStore) {}

  /** The incident as the caller's transaction sees it; null when the org has no such incident. */
  async incident(exec: AnyExec, orgId: number, id: number): Promise<RemediationIncident | null> {
    const row = await this.store.get(orgId, id, exec);
    if (!row) return null;
    return { id: row.id, transactionId: row.transaction_id, status: row.status as Status, userEmail: row.user_email, userName: row.user_name };
  }

  /** Moves the incident and writes its State Changes entry. */
  async move(exec: AnyExec, orgId: number, id: number, move: RemediationMove): Promise<void> {
    const row = await this.store.get(orgId, id, exec);
    if (!row) throw notFound('Incident');
    const now = nowIso();
    const state = move.status ?? (row.status as Status);
    await this.store.update(exec, orgId, id, { status: state, awaiting_user: move.awaitingUser, updated_at: now, last_change: move.summary });
    await this.store.addEvents(exec, [
      {
        org_id: orgId,
        incident_id: id,
        state,
        action: move.action,
        created_at: now,
        changed_by: move.changedBy,
        admin_id: move.adminId,
        comment: move.summary,
      },
    ]);
  }
}
