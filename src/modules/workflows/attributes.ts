import type { IncidentDetail } from '../incidents/schemas.js';
import type { IncidentInput } from '../incidents/schemas.js';
import type { Attributes } from './conditions.js';

/** The Source DLP Type choices of a statement; "Any" matches every source. */
export const SOURCE_DLP_TYPES = ['Any', 'Email', 'Endpoint', 'Inline', 'SaaS Security'] as const;
export type SourceDlpType = (typeof SOURCE_DLP_TYPES)[number];

/** What the evaluator needs of an incident: its list row plus the ingested details. */
export type IncidentFacts = Pick<
  IncidentDetail,
  | 'severity'
  | 'priority'
  | 'status'
  | 'sourceType'
  | 'dlpType'
  | 'action'
  | 'rules'
  | 'engines'
  | 'dictionaries'
  | 'userName'
  | 'userEmail'
  | 'department'
  | 'destination'
  | 'host'
  | 'fileName'
  | 'labels'
  | 'incidentDate'
> & { details?: Partial<IncidentDetail['details']> };

function extension(name: string | undefined): string | undefined {
  const m = name ? /\.([A-Za-z0-9]{1,16})$/.exec(name) : null;
  return m ? m[1].toLowerCase() : undefined;
}

/**
 * An incident's attributes as predicates name them (conditions.ts PROPERTIES). `read`: the
 * properties the caller's conditions read; the attributes that take a copy or a scan to build are
 * left out (undefined) when not among them, since ingestion builds these for every new incident.
 */
export function attributesOf(i: IncidentFacts, read?: ReadonlySet<string>): Attributes {
  const d = i.details ?? {};
  const r = d.recipients;
  return {
    severity: i.severity,
    priority: i.priority,
    status: i.status,
    sourceType: i.sourceType,
    dlpType: i.dlpType,
    action: i.action,
    rules: i.rules,
    engines: i.engines,
    dictionaries: !read || read.has('dictionaries') ? i.dictionaries.map((x) => x.name) : undefined,
    matchCount: !read || read.has('matchCount') ? i.dictionaries.reduce((n, x) => n + x.matchCount, 0) : undefined,
    userName: i.userName,
    userEmail: i.userEmail,
    department: i.department,
    clientIp: d.user?.clientIp,
    destination: i.destination,
    host: i.host,
    url: d.url,
    fileName: i.fileName,
    fileType: !read || read.has('fileType') ? (d.file?.type ?? extension(i.fileName)) : undefined,
    channel: d.channel,
    application: d.application?.name,
    labels: !read || read.has('labels') ? i.labels.map((l) => (l.value ? `${l.name}: ${l.value}` : l.name)) : undefined,
    recipients: !read || read.has('recipients') ? (r ? [...r.triggered, ...r.internal, ...r.external] : []) : undefined,
    incidentDate: i.incidentDate,
  };
}

/** Properties read from the ingested details (the rest are columns of the incident's list row). */
const FROM_DETAILS = new Set(['clientIp', 'url', 'fileType', 'channel', 'application', 'recipients']);

/** What of an incident must be loaded to evaluate predicates over these properties. */
export type FactsNeeded = { labels: boolean; details: boolean };

export function factsNeeded(properties: Iterable<string>): FactsNeeded {
  const need = { labels: false, details: false };
  for (const p of properties) {
    if (p === 'labels') need.labels = true;
    if (FROM_DETAILS.has(p)) need.details = true;
  }
  return need;
}

const DEFAULT_PRIORITY = { Critical: 'Critical', High: 'High', Medium: 'Medium', Low: 'Low', Info: 'Low' } as const;

/** A pasted incident in the ingestion format (Test panel), as it would look once ingested. */
export function factsFromInput(i: IncidentInput): IncidentFacts {
  let host: string | null = i.host ?? null;
  if (!host && i.url) host = new URL(i.url).hostname;
  return {
    severity: i.severity,
    priority: i.priority ?? DEFAULT_PRIORITY[i.severity],
    status: 'New',
    sourceType: i.sourceType,
    dlpType: i.dlpType ?? null,
    action: i.action,
    rules: i.rules,
    engines: i.engines,
    dictionaries: i.dictionaries,
    userName: i.user.name ?? '',
    userEmail: i.user.email.toLowerCase(),
    department: i.user.department ?? null,
    destination: i.destination ?? host ?? i.recipients?.triggered[0] ?? i.recipients?.external[0] ?? '',
    host,
    fileName: i.file?.name ?? '',
    labels: [],
    incidentDate: new Date(i.incidentDate).toISOString(),
    details: { user: i.user, file: i.file, application: i.application, recipients: i.recipients, url: i.url, channel: i.channel },
  };
}
