/**
 * Incident vocabularies (PRODUCT.md §4–§5) as plain constants with no dependencies, so the web
 * app bundles the very same lists the server validates with (schemas.ts builds its enums here).
 */

export const STATUSES = ['New', 'Investigating', 'Validating with User', 'Received Justification Response', 'Escalated', 'Resolved'] as const;
export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low', 'Info'] as const;
export const PRIORITIES = ['Critical', 'High', 'Medium', 'Low'] as const;
export const SOURCE_TYPES = ['Inline', 'Email', 'Endpoint', 'SaaS Security'] as const;
export type Status = (typeof STATUSES)[number];
export type Severity = (typeof SEVERITIES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type SourceType = (typeof SOURCE_TYPES)[number];

/** The count widgets on the Incidents page; each also works as a list filter (`widget=`). */
export const WIDGETS = ['all', 'open', 'unassigned', 'resolved', 'waitingFeedback', 'escalated', 'responseAvailable'] as const;
export type Widget = (typeof WIDGETS)[number];
export const WIDGET_LABELS: Record<Widget, string> = {
  all: 'All',
  open: 'Open',
  unassigned: 'Unassigned',
  resolved: 'Resolved',
  waitingFeedback: 'Waiting Feedback',
  escalated: 'Escalated',
  responseAvailable: 'Response Available',
};

export const FILTER_KEYS = [
  'status',
  'severity',
  'priority',
  'sourceType',
  'dlpAdmin',
  'label',
  'incidentGroup',
  'rule',
  'engine',
  'department',
  'action',
  'duplicated',
] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export const SORT_FIELDS = [
  'incidentDate',
  'createdAt',
  'updatedAt',
  'transactionId',
  'priority',
  'severity',
  'status',
  'sourceType',
  'userName',
  'fileName',
  'destination',
] as const;
export type SortField = (typeof SORT_FIELDS)[number];
