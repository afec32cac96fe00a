import type { IncidentEvent, IncidentLabel, IncidentListItem, Priority, Severity, Status } from './schemas.js';
import { PRIORITIES, SEVERITIES } from './schemas.js';
import type { IncidentListRecord } from './store.js';

/** Severity and priority are stored as ranks, so they sort and filter as numbers. */
export const SEVERITY_RANK: Record<Severity, number> = { Info: 0, Low: 1, Medium: 2, High: 3, Critical: 4 };
export const PRIORITY_RANK: Record<Priority, number> = { Low: 0, Medium: 1, High: 2, Critical: 3 };
export const severityOf = (n: number): Severity => SEVERITIES.find((s) => SEVERITY_RANK[s] === n) ?? 'Info';
export const priorityOf = (n: number): Priority => PRIORITIES.find((p) => PRIORITY_RANK[p] === n) ?? 'Low';

/** A listed incident as the API shows it (also the Incident Details header and each CSV line). */
export function listItem(
  /** Without the admin join (a row as ingested or read alone) no DLP admin is shown. */
  r: Omit<IncidentListRecord, 'admin_name' | 'admin_email'> & Partial<Pick<IncidentListRecord, 'admin_name' | 'admin_email'>>,
  labels: IncidentLabel[],
  /** The row's JSON lists as already parsed (ingestion has them as validated), instead of parsing the row's text. */
  lists?: Pick<IncidentListItem, 'rules' | 'engines' | 'dictionaries'>,
): Omit<IncidentListItem, 'tickets' | 'justification' | 'incidentGroups'> {
  return {
    id: r.id,
    transactionId: r.transaction_id,
    incidentDate: r.incident_date,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    lastChange: r.last_change,
    status: r.status as Status,
    severity: severityOf(r.severity),
    priority: priorityOf(r.priority),
    sourceType: r.source_type as IncidentListItem['sourceType'],
    dlpType: r.dlp_type,
    dlpAdmin: r.dlp_admin_id && r.admin_email ? { id: r.dlp_admin_id, name: r.admin_name ?? '', email: r.admin_email } : null,
    action: r.action,
    rules: lists ? lists.rules : (JSON.parse(r.rules) as string[]),
    engines: lists ? lists.engines : (JSON.parse(r.engines) as string[]),
    dictionaries: lists ? lists.dictionaries : (JSON.parse(r.dictionaries) as IncidentListItem['dictionaries']),
    userName: r.user_name,
    userEmail: r.user_email,
    department: r.department,
    fileName: r.file_name,
    destination: r.destination,
    host: r.host,
    labels,
    duplicateCount: Number(r.duplicate_count),
    duplicateOf: r.duplicate_of,
    resolutionDate: r.resolution_date,
  };
}

type EventRow = { id: number; state: string; action: string; created_at: string; changed_by: string; comment: string };

/** A State Changes entry. */
export function eventView(e: EventRow): IncidentEvent {
  return { id: e.id, state: e.state as Status, action: e.action, date: e.created_at, changedBy: e.changed_by, comment: e.comment };
}
