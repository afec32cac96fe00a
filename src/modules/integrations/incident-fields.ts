/**
 * Incident fields a Jira field can be mapped to ("Zscaler Fields" on the Required Fields Mappings
 * page). The tickets module reads an incident's values by these keys when it fills a Jira issue, so
 * this list is the contract between the two modules: add a key here only together with its value there.
 */
export type IncidentFieldKind = 'text' | 'date' | 'number' | 'level' | 'list';

export const INCIDENT_FIELDS = [
  { key: 'transactionId', label: 'Transaction ID', kind: 'text' },
  { key: 'summary', label: 'Description/Summary', kind: 'text' },
  { key: 'severity', label: 'Severity', kind: 'level' },
  { key: 'priority', label: 'Priority', kind: 'level' },
  { key: 'status', label: 'Status', kind: 'text' },
  { key: 'rules', label: 'Rule(s)', kind: 'list' },
  { key: 'engines', label: 'Engines', kind: 'list' },
  { key: 'dictionaries', label: 'Dictionary Match Counts', kind: 'text' },
  { key: 'action', label: 'Action', kind: 'text' },
  { key: 'user', label: 'User', kind: 'text' },
  { key: 'department', label: 'Department', kind: 'text' },
  { key: 'fileName', label: 'File Name', kind: 'text' },
  { key: 'fileType', label: 'File Type', kind: 'text' },
  { key: 'destination', label: 'Destination', kind: 'text' },
  { key: 'application', label: 'Application', kind: 'text' },
  { key: 'sourceDlpType', label: 'Source DLP Type', kind: 'text' },
  { key: 'dlpAdmin', label: 'DLP Admin', kind: 'text' },
  { key: 'labels', label: 'Labels', kind: 'list' },
  { key: 'incidentGroups', label: 'Incident Groups', kind: 'list' },
  { key: 'clientIp', label: 'Client IP', kind: 'text' },
  { key: 'incidentDate', label: 'Incident Date', kind: 'date' },
  { key: 'incidentUrl', label: 'Incident Link', kind: 'text' },
] as const satisfies readonly { key: string; label: string; kind: IncidentFieldKind }[];

export type IncidentFieldKey = (typeof INCIDENT_FIELDS)[number]['key'];
export const INCIDENT_FIELD_KEYS = INCIDENT_FIELDS.map((f) => f.key) as [IncidentFieldKey, ...IncidentFieldKey[]];

/** Jira fields the product fills itself on every issue: listed on the mapping page, never editable. */
export const LOCKED_JIRA_FIELDS = new Set(['issuetype', 'project']);

/**
 * Which incident fields fit a Jira field of this schema type. Fields with a fixed value list
 * (option, priority) accept only incident fields whose values are levels, matched by name when a
 * ticket is created; user/issue-type style fields accept only a default value.
 */
export function compatibleIncidentFields(schemaType: string): IncidentFieldKey[] {
  const kinds: IncidentFieldKind[] =
    schemaType === 'string'
      ? ['text', 'date', 'number', 'level', 'list']
      : schemaType === 'array'
        ? ['list', 'text', 'level']
        : schemaType === 'number'
          ? ['number']
          : schemaType === 'date' || schemaType === 'datetime'
            ? ['date']
            : schemaType === 'option' || schemaType === 'priority'
              ? ['level']
              : [];
  return INCIDENT_FIELDS.filter((f) => (kinds as string[]).includes(f.kind)).map((f) => f.key);
}
