import type { ListedIncident } from '../incidents/service.js';
import type { IncidentEvent, Priority, Severity, SourceType, Status } from '../incidents/schemas.js';
import type { z } from 'zod';
import type { IncidentGroupInfo } from '../incident-groups/service.js';
import type { TicketView } from '../tickets/schemas.js';
import type { incidentGroup, WireIncident, WireTicket } from './schemas.js';

/**
 * Our incidents, tickets and State Changes in the vendor's wire shapes. Pure functions: the rules
 * (what an incident holds, how it changes) stay in the incidents and tickets modules.
 */

/** `Validating with User` → `VALIDATING_WITH_USER`; `SaaS Security` → `SAAS_SECURITY`. */
export const upperSnake = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();

/** A wire enum value (any case, spaces or underscores) back to our vocabulary; undefined when unknown. */
export function fromWire<T extends string>(vocabulary: readonly T[], value: string): T | undefined {
  const v = upperSnake(value.trim());
  return vocabulary.find((x) => upperSnake(x) === v);
}

const TICKET_TYPES: Record<TicketView['integration']['type'], WireTicket['ticketType']> = { servicenow: 'SERVICENOW', jira_cloud: 'JIRA_CLOUD' };

/** An incident group as the incident-groups search answers it (reference §8.6). */
export function wireGroup(g: IncidentGroupInfo): z.infer<typeof incidentGroup> {
  return {
    id: g.id,
    name: g.name,
    description: g.description ?? '',
    status: 'ACTIVE',
    incidentGroupType: g.type,
    isDLPIncidentGroupAlreadyMapped: g.mapped,
    // Groups do not scope admins in this product (no admin assignment to groups).
    isDLPAdminConfigAlreadyMapped: false,
  };
}

export function wireTicket(t: TicketView): WireTicket {
  return {
    ticketType: TICKET_TYPES[t.integration.type],
    ticketingSystemName: t.integration.name,
    projectId: t.project ? String(t.project.id ?? t.project.key) : null,
    projectName: t.project?.name ?? null,
    // The external system's own status once known; our state (creating, open, closed, failed) before.
    ticketInfo: { ticketId: t.ticketKey, ticketUrl: t.ticketUrl, state: t.externalStatus ?? t.state },
  };
}

/** Content details the vendor puts in `contentInfo.additionalInfo`, as JSON text (a typed client fails on an object there). */
function contentBag(d: ListedIncident['details']): string | null {
  const bag: Record<string, unknown> = {};
  if (d.file?.md5) bag.dlpMD5 = d.file.md5;
  if (d.file?.size !== undefined) bag.fileSize = d.file.size;
  if (d.file?.sourceLocation) bag.repository = d.file.sourceLocation;
  if (d.file?.modifiedAt) bag.fileModification = d.file.modifiedAt;
  if (d.file?.documentType) bag.documentType = d.file.documentType;
  if (d.email?.messageId) bag.messageId = d.email.messageId;
  if (d.email?.subject) bag.subject = d.email.subject;
  if (d.recipients) bag.recipients = [...d.recipients.triggered, ...d.recipients.internal, ...d.recipients.external];
  if (d.channel) bag.channelName = d.channel;
  if (d.saas?.fileSharedBy) bag.owner = d.saas.fileSharedBy;
  if (d.saas?.externalCollaboratorsGroups) bag.collaborators = d.saas.externalCollaboratorsGroups;
  return Object.keys(bag).length ? JSON.stringify(bag) : null;
}

export function wireIncident(i: ListedIncident, tickets: TicketView[]): WireIncident {
  const d = i.details;
  const user = d.user ?? {};
  return {
    internalId: String(i.id),
    integrationType: d.integration ?? 'DLP',
    transactionId: i.transactionId,
    sourceType: upperSnake(i.sourceType as SourceType) as WireIncident['sourceType'],
    sourceSubType: i.dlpType,
    sourceActions: [i.action],
    severity: upperSnake(i.severity as Severity) as WireIncident['severity'],
    priority: upperSnake(i.priority as Priority) as WireIncident['priority'],
    matchingPolicies: {
      // Our engines carry no rule expression.
      engines: i.engines.map((name) => ({ name, rule: '' })),
      rules: [...i.rules, ...(d.otherRules ?? [])].map((name) => ({ name })),
      dictionaries: i.dictionaries.map((x) => ({ name: x.name, matchCount: x.matchCount, nameMatchCount: `${x.name}[${x.matchCount}]` })),
    },
    matchCount: i.rules.length + (d.otherRules?.length ?? 0),
    createdAt: i.createdAt,
    lastUpdatedAt: i.updatedAt,
    sourceFirstObservedAt: i.incidentDate,
    sourceLastObservedAt: i.incidentDate,
    userInfo: {
      name: i.userName || null,
      email: i.userEmail,
      clientIP: user.clientIp ?? null,
      uniqueIdentifier: user.employeeNumber ?? null,
      userId: null,
      department: i.department,
      homeCountry: null,
      managerInfo: user.manager ? { id: null, name: user.manager.name ?? null, email: user.manager.email ?? null } : null,
    },
    applicationInfo: {
      url: d.url ?? null,
      category: d.application?.category ?? null,
      name: d.application?.name ?? null,
      // Always present: one vendor client maps `name` only when this key exists.
      hostnameOrApplication: i.host ?? d.application?.name ?? null,
      additionalInfo: null,
    },
    contentInfo: { fileName: i.fileName || null, fileType: d.file?.type ?? null, additionalInfo: contentBag(d) },
    networkInfo: { source: user.clientIp ?? '', destination: i.destination },
    metadataFileUrl: null,
    status: upperSnake(i.status as Status) as WireIncident['status'],
    resolution: i.resolution?.falsePositive ? 'FALSE_POSITIVE' : null,
    assignedAdmin: i.dlpAdmin ? { email: i.dlpAdmin.email } : null,
    lastNotifiedUser: null,
    // The product keeps one notes text per incident (earlier texts stay in the change history).
    notes: i.notes ? [{ body: i.notes, createdAt: i.updatedAt, lastUpdatedAt: i.updatedAt, createdBy: 0, lastUpdatedBy: 0 }] : [],
    closedCode: null,
    incidentGroupIds: i.incidentGroups.map((g) => g.id),
    incidentGroups: i.incidentGroups.map((g) => ({ id: g.id, name: g.name, description: g.description ?? '' })),
    dlpIncidentTickets: tickets.map(wireTicket),
    labels: i.labels.map((l) => ({ key: l.name, value: l.value ?? '' })),
  };
}

/** The vendor's change types for our State Changes actions (`CHANGE_STATUS` is the vendor's spelling). */
const CHANGE_TYPES: Record<string, string> = {
  close: 'CHANGE_STATUS',
  reopen: 'CHANGE_STATUS',
  investigating: 'CHANGE_STATUS',
  status: 'CHANGE_STATUS',
  assign: 'CHANGE_ASSIGNEE',
  'assign-to-me': 'CHANGE_ASSIGNEE',
  priority: 'CHANGE_PRIORITY',
  labels: 'CHANGE_LABELS',
  notes: 'ADD_NOTES',
};

/** State Changes (newest first, as the incidents module gives them) as the vendor's change history, oldest first; every incident starts New. */
export function wireChangeHistory(incidentId: number, events: IncidentEvent[]) {
  const oldestFirst = [...events].reverse();
  const entries = oldestFirst.map((e, n) => ({
    changeType: CHANGE_TYPES[e.action] ?? upperSnake(e.action),
    changedAt: e.date,
    changedByName: e.changedBy,
    changeData: { before: upperSnake(n > 0 ? oldestFirst[n - 1].state : 'New'), after: upperSnake(e.state) },
    comment: e.comment,
  }));
  return {
    incidentId: String(incidentId),
    startDate: oldestFirst[0]?.date ?? null,
    endDate: oldestFirst[oldestFirst.length - 1]?.date ?? null,
    changeHistory: entries,
  };
}
