import type { CreateTicketInput } from '../../connectors/index.js';
import { jiraIssueBody, serviceNowIncidentBody } from '../../connectors/index.js';
import type { IncidentDetail } from '../incidents/schemas.js';
import type { IncidentFieldKey } from '../integrations/incident-fields.js';
import type { MappingRowView } from '../integrations/schemas.js';

/**
 * What a ticket says: built from the incident at the moment it is sent (and, identically, for the
 * Preview), so the preview and the request never disagree.
 */

export type TicketTarget = {
  type: 'servicenow' | 'jira_cloud';
  assigneeExternalId: string;
  projectKey?: string;
  issueTypeId?: string;
  /** Jira: the saved field mappings of the project + issue type. */
  mappings: MappingRowView[];
};

const SUMMARY_MAX = 250;

/** ServiceNow urgency / impact (1 high … 3 low) from the incident's severity. */
const SN_LEVELS: Record<IncidentDetail['severity'], { urgency: string; impact: string }> = {
  Critical: { urgency: '1', impact: '1' },
  High: { urgency: '1', impact: '2' },
  Medium: { urgency: '2', impact: '2' },
  Low: { urgency: '3', impact: '2' },
  Info: { urgency: '3', impact: '3' },
};

/** Jira fields the product always sets itself; a mapping row for them is ignored. */
const OWN_JIRA_FIELDS = new Set(['project', 'issuetype', 'summary', 'description', 'assignee', 'labels', 'reporter']);
/** System rich-text fields: Jira REST v3 takes them only as Atlassian Document Format. */
const ADF_FIELDS = new Set(['description', 'environment']);

export function incidentUrl(publicUrl: string | null, incidentId: number): string | undefined {
  return publicUrl ? `${publicUrl}/incidents/${incidentId}` : undefined;
}

function sourceDlpType(i: IncidentDetail): string {
  return i.dlpType ? `${i.sourceType} / ${i.dlpType}` : i.sourceType;
}

export function ticketSummary(i: IncidentDetail): string {
  const rule = i.rules[0] ? ` — ${i.rules[0]}` : '';
  const text = `[${i.severity}] DLP incident ${i.transactionId}${rule} (${i.userEmail || i.userName})`;
  // One line, bounded: Jira refuses newlines and more than 255 characters in a summary.
  return text.replace(/[\r\n]+/g, ' ').slice(0, SUMMARY_MAX);
}

export function ticketDescription(i: IncidentDetail): string {
  const lines = [
    `Transaction ID: ${i.transactionId}`,
    `Severity: ${i.severity}`,
    `Priority: ${i.priority}`,
    `Source DLP Type: ${sourceDlpType(i)}`,
    `Rule(s): ${i.rules.join(', ') || '—'}`,
    `User: ${i.userName}${i.userEmail ? ` <${i.userEmail}>` : ''}${i.department ? ` (${i.department})` : ''}`,
    `Action: ${i.action}`,
    `Incident date: ${i.incidentDate}`,
  ];
  if (i.fileName) lines.push(`File: ${i.fileName}`);
  if (i.destination) lines.push(`Destination: ${i.destination}`);
  return lines.join('\n');
}

/** An incident's value for a mapping's incident field (the keys of integrations/incident-fields.ts). */
export function incidentValue(i: IncidentDetail, key: IncidentFieldKey, link: string | undefined): string | string[] | number | null {
  switch (key) {
    case 'transactionId':
      return i.transactionId;
    case 'summary':
      return ticketSummary(i);
    case 'severity':
      return i.severity;
    case 'priority':
      return i.priority;
    case 'status':
      return i.status;
    case 'rules':
      return i.rules;
    case 'engines':
      return i.engines;
    case 'dictionaries':
      return i.dictionaries.map((d) => JSON.stringify(d)).join(', ');
    case 'action':
      return i.action;
    case 'user':
      return i.userEmail || i.userName;
    case 'department':
      return i.department;
    case 'fileName':
      return i.fileName || null;
    case 'fileType':
      return (i.details.file as { type?: string } | undefined)?.type ?? null;
    case 'destination':
      return i.destination || null;
    case 'application':
      return (i.details.application as { name?: string } | undefined)?.name ?? null;
    case 'sourceDlpType':
      return sourceDlpType(i);
    case 'dlpAdmin':
      return i.dlpAdmin ? i.dlpAdmin.email : null;
    case 'labels':
      return i.labels.map((l) => (l.value ? `${l.name}: ${l.value}` : l.name));
    case 'incidentGroups':
      return i.incidentGroups.map((g) => g.name);
    case 'clientIp':
      return (i.details.user as { clientIp?: string } | undefined)?.clientIp ?? null;
    case 'incidentDate':
      return i.incidentDate;
    case 'incidentUrl':
      return link ?? null;
  }
}

function asText(v: string | string[] | number | null): string | null {
  if (v === null) return null;
  if (Array.isArray(v)) return v.length ? v.join(', ') : null;
  return String(v);
}

/** Description and environment, and textarea custom fields, take Atlassian Document Format. */
function isRichText(row: MappingRowView): boolean {
  return ADF_FIELDS.has(row.fieldKey) || (row.schemaCustom ?? '').endsWith(':textarea');
}

/** One element of an array field in the shape of what the array holds (Jira's schema.items). */
function arrayItem(row: MappingRowView, item: string): unknown {
  switch (row.schemaItems) {
    case 'option':
      return pickAllowed(row, item) ?? { value: item };
    case 'user':
      return { accountId: item };
    case 'component':
    case 'version':
      return pickAllowed(row, item) ?? { name: item };
    default:
      // Labels cannot hold spaces; other string lists keep their text.
      return row.fieldKey === 'labels' || (row.schemaCustom ?? '').endsWith(':labels') ? item.replace(/\s+/g, '_') : item;
  }
}

function pickAllowed(row: MappingRowView, text: string): { id: string } | null {
  const wanted = text.trim().toLowerCase();
  const hit = row.allowedValues?.find((o) => o.id === text || o.name.toLowerCase() === wanted);
  return hit ? { id: hit.id } : null;
}

/**
 * One mapped Jira field in the shape Jira wants for its type: rich text as ADF, options as {id}
 * (or {value}), users as {accountId}, priorities as {id} (or {name}), arrays as lists of strings.
 */
export function jiraFieldValue(row: MappingRowView, value: string | string[] | number | null): unknown {
  const text = asText(value);
  if (text === null) return undefined;
  switch (row.schemaType) {
    case 'string':
      return isRichText(row)
        ? { type: 'doc', version: 1, content: [{ type: 'paragraph', content: [{ type: 'text', text }] }] }
        : text.replace(/[\r\n]+/g, ' ').slice(0, 255);
    case 'number': {
      const n = Number(text);
      return Number.isFinite(n) ? n : undefined;
    }
    case 'date':
      return text.slice(0, 10);
    case 'datetime':
      return new Date(text).toISOString().replace('Z', '+0000');
    case 'option':
      return pickAllowed(row, text) ?? { value: text };
    case 'priority':
      return pickAllowed(row, text) ?? { name: text };
    case 'user':
      return { accountId: text };
    case 'array': {
      const items = (Array.isArray(value) ? value.map(String) : text.split(',')).map((s) => s.trim()).filter(Boolean);
      return items.map((item) => arrayItem(row, item));
    }
    default:
      return row.allowedValues ? (pickAllowed(row, text) ?? { value: text }) : text;
  }
}

/** Jira fields filled from the project's field mappings (the product's own fields excluded). */
export function mappedJiraFields(i: IncidentDetail, mappings: MappingRowView[], link: string | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const row of mappings) {
    if (row.locked || OWN_JIRA_FIELDS.has(row.fieldKey)) continue;
    const value = row.incidentField ? incidentValue(i, row.incidentField as IncidentFieldKey, link) : row.defaultValue;
    const shaped = jiraFieldValue(row, value ?? (row.incidentField ? row.defaultValue : null));
    if (shaped !== undefined) out[row.fieldKey] = shaped;
  }
  return out;
}

/** The connector input for a ticket about this incident. */
export function createInput(i: IncidentDetail, target: TicketTarget, marker: string, publicUrl: string | null): CreateTicketInput {
  const link = incidentUrl(publicUrl, i.id);
  return {
    marker,
    summary: ticketSummary(i),
    description: ticketDescription(i),
    incidentUrl: link,
    assigneeExternalId: target.assigneeExternalId,
    ...(target.type === 'jira_cloud'
      ? { projectKey: target.projectKey, issueTypeId: target.issueTypeId, fields: mappedJiraFields(i, target.mappings, link) }
      : { fields: { ...SN_LEVELS[i.severity] } }),
  };
}

/** The exact body the connector sends for this input. */
export function requestBody(type: TicketTarget['type'], input: CreateTicketInput): Record<string, unknown> {
  return type === 'jira_cloud' ? jiraIssueBody(input) : serviceNowIncidentBody(input);
}

/** The idempotency marker: ServiceNow correlation_id, Jira label. */
export const markerOf = (ticketId: number) => `wfa-${ticketId}`;

/** Tags our notes comment so a rerun can tell it is already there; later requests on the same ticket get their own. */
export const noteTag = (ticketId: number, request = 1) => (request === 1 ? `[${markerOf(ticketId)}]` : `[${markerOf(ticketId)}.${request}]`);

export function noteText(tag: string, notes: string, by: string): string {
  return `${notes}\n\n— ${by} via Workflow Automation ${tag}`;
}
