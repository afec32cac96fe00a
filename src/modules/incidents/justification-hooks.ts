import type { AnyExec } from '../../platform/db/database.js';
import type { IncidentJustification } from './schemas.js';

/** The latest end-user justification of each listed incident (the list's Justification columns). */
export type JustificationSummaries = (orgId: number, incidentIds: number[], exec: AnyExec) => Promise<Map<number, IncidentJustification>>;

/**
 * Where the module that collects survey answers (remediation) tells the incidents list what each
 * user answered, without incidents reading its tables. No module registered: no justifications.
 */
export class IncidentJustificationHooks {
  private summaries: JustificationSummaries | null = null;

  useSummaries(fn: JustificationSummaries): void {
    this.summaries = fn;
  }

  async justifications(orgId: number, incidentIds: number[], exec: AnyExec): Promise<Map<number, IncidentJustification>> {
    if (!this.summaries || !incidentIds.length) return new Map();
    return this.summaries(orgId, incidentIds, exec);
  }
}
