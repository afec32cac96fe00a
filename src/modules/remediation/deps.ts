import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import type { IncidentDetail } from '../incidents/schemas.js';
import type { IncidentRemediationHooks } from '../incidents/remediation-hooks.js';
import type { IncidentJustificationHooks } from '../incidents/justification-hooks.js';
import type { IncidentPrivacyHooks } from '../incidents/privacy.js';
import type { RemediationTables } from './migrations.js';
import type { TemplateIncident } from './ports.js';

/** What remediation uses of the incidents module. */
export type RemediationIncidents = {
  detail(orgId: number, id: number): Promise<IncidentDetail>;
  remediationHooks: IncidentRemediationHooks;
  /** Which of the user's attributes the caller sees obfuscated (Account Settings > Privacy and Security). */
  privacyHooks: Pick<IncidentPrivacyHooks, 'hiddenFor'>;
  /** Where the list learns each user's latest justification (its Justification columns). */
  justificationHooks: Pick<IncidentJustificationHooks, 'useSummaries'>;
};

export type RemediationBaseDeps = {
  db: Kysely<RemediationTables>;
  config: Pick<Config, 'publicUrl'>;
  incidents: RemediationIncidents;
};

/** The incident as the notification templates and the survey page see it (before privacy filtering). */
export function templateIncidentOf(d: IncidentDetail): TemplateIncident {
  const matchCount = d.dictionaries.reduce((n, x) => n + x.matchCount, 0);
  return {
    id: d.id,
    transactionId: d.transactionId,
    severity: d.severity,
    status: d.status,
    sourceDlpType: d.sourceType,
    sourceAction: d.action || null,
    dlpEngine: d.engines.join(', ') || null,
    user: d.userName || null,
    userEmail: d.userEmail || null,
    department: d.department,
    destination: d.destination || null,
    fileName: d.fileName || null,
    matchCount: d.dictionaries.length ? matchCount : null,
    createdAt: d.incidentDate,
  };
}
