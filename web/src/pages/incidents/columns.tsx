import type { ReactNode } from 'react';
import { Badge, Group, Text, Tooltip } from '@mantine/core';
import { DateTime } from '../../components/common';
import { TICKET_STATE_LABELS } from '../tickets/api';
import type { IncidentListItem, Priority, Severity, SortField, Status } from './api';

export const PRIORITY_COLOR: Record<Priority, string> = { Critical: 'red', High: 'orange', Medium: 'yellow', Low: 'gray' };
export const SEVERITY_COLOR: Record<Severity, string> = { Critical: 'red', High: 'orange', Medium: 'yellow', Low: 'gray', Info: 'blue' };
export const STATUS_COLOR: Record<Status, string> = {
  New: 'blue',
  Investigating: 'violet',
  'Validating with User': 'cyan',
  'Received Justification Response': 'teal',
  Escalated: 'orange',
  Resolved: 'green',
};

/** Badges keep the product's capitalisation ("Received Justification Response") and never truncate. */
const NO_CAPS = { root: { overflow: 'visible' }, label: { textTransform: 'none' as const, overflow: 'visible' } };
/** Free-text badges (labels, values) wrap instead of being cut off on narrow screens. */
export const WRAPPING_BADGE = {
  root: { height: 'auto', maxWidth: '100%', paddingBlock: 2 },
  label: { textTransform: 'none' as const, whiteSpace: 'normal' as const, overflow: 'visible', overflowWrap: 'anywhere' as const },
};

export function PriorityBadge({ value }: { value: Priority }) {
  return (
    <Badge color={PRIORITY_COLOR[value]} variant="light" size="sm" styles={NO_CAPS}>
      {value}
    </Badge>
  );
}
export function SeverityBadge({ value }: { value: Severity }) {
  return (
    <Badge color={SEVERITY_COLOR[value]} variant="outline" size="sm" styles={NO_CAPS}>
      {value}
    </Badge>
  );
}
/** `wrap`: a long status ("Received Justification Response") takes two lines instead of widening its column. */
export function StatusBadge({ value, wrap }: { value: Status; wrap?: boolean }) {
  return (
    <Badge color={STATUS_COLOR[value]} variant="dot" size="sm" styles={wrap ? WRAPPING_BADGE : NO_CAPS}>
      {value}
    </Badge>
  );
}

/** "Financial Statements [10], SSN [2]" */
export function dictionaryText(d: { name: string; matchCount: number }[]): string {
  return d.map((x) => `${x.name} [${x.matchCount}]`).join(', ');
}

export function labelText(l: { name: string; value: string | null }): string {
  return l.value ? `${l.name}: ${l.value}` : l.name;
}

/** A date and time on two lines ("Dec 2, 2026," / "3:06 PM"): a one-line date takes a fifth of a 1280 px table. */
function TwoLines({ children }: { children: ReactNode }) {
  return <span style={{ display: 'inline-block', maxWidth: '6.5rem' }}>{children}</span>;
}

function List({ values }: { values: string[] }) {
  if (!values.length)
    return (
      <Text span c="dimmed">
        —
      </Text>
    );
  const text = values.join(', ');
  return (
    <Text span size="sm" lineClamp={2} title={text}>
      {text}
    </Text>
  );
}

export type ColumnKey =
  | 'transactionId'
  | 'incidentDate'
  | 'createdAt'
  | 'updatedAt'
  | 'priority'
  | 'severity'
  | 'status'
  | 'dlpAdmin'
  | 'sourceType'
  | 'rules'
  | 'engines'
  | 'dictionaries'
  | 'userName'
  | 'fileName'
  | 'destination'
  | 'labels'
  | 'incidentGroups'
  | 'tickets'
  | 'dlpType'
  | 'action'
  | 'department'
  | 'lastChange'
  | 'resolutionDate'
  | 'justificationReason'
  | 'justificationNote'
  | DetailColumnKey;

/** Columns read from the ingested details: the list asks for them (withDetails) only when one is shown. */
export type DetailColumnKey =
  | 'clientIp'
  | 'fileType'
  | 'fileMd5'
  | 'fileSize'
  | 'fileSourceLocation'
  | 'fileModifiedAt'
  | 'documentType'
  | 'applicationName'
  | 'applicationCategory'
  | 'homeLocation'
  | 'workLocation'
  | 'referrerUrl'
  | 'integration'
  | 'channel'
  | 'triggeredRecipients'
  | 'internalRecipients'
  | 'externalRecipients'
  | 'externalCollaboratorsGroups'
  | 'fileLinkExpiry'
  | 'fileModifiedBy'
  | 'fileSharedBy'
  | 'fileSharedAt';

export type CellContext = {
  /** Renders the Transaction ID link (it needs the list's query string). */
  link(item: IncidentListItem): ReactNode;
  /** Renders the Username link (pre-filters the list by this user). */
  user(item: IncidentListItem): ReactNode;
};

export type Column = {
  key: ColumnKey;
  label: string;
  sort?: SortField;
  /** Always shown; cannot be hidden in the column chooser. */
  fixed?: boolean;
  defaultVisible: boolean;
  width?: number;
  /** Read from the ingested details, which the list sends only when asked. */
  details?: boolean;
  render(item: IncidentListItem, ctx: CellContext): ReactNode;
};

type Details = NonNullable<IncidentListItem['details']>;

/** "2.4 MB" */
function bytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u ? v.toFixed(1) : v} ${units[u]}`;
}

/** A column of the ingested details: a text, a list, a size or a time. */
function detailColumn(
  key: DetailColumnKey,
  label: string,
  read: (d: Details) => string | string[] | number | null | undefined,
  as: 'text' | 'size' | 'time' = 'text',
): Column {
  return {
    key,
    label,
    defaultVisible: false,
    details: true,
    width: as === 'time' ? 120 : 160,
    render: (i) => {
      const v = i.details ? read(i.details) : undefined;
      if (v === undefined || v === null || v === '' || (Array.isArray(v) && !v.length)) return <List values={[]} />;
      if (as === 'size' && typeof v === 'number') return bytes(v);
      if (as === 'time' && typeof v === 'string')
        return (
          <TwoLines>
            <DateTime value={v} />
          </TwoLines>
        );
      return <List values={Array.isArray(v) ? v : [String(v)]} />;
    },
  };
}

const saas = (d: Details, k: string) => {
  const v = d.saas?.[k];
  return typeof v === 'string' || Array.isArray(v) ? (v as string | string[]) : undefined;
};

export const COLUMNS: Column[] = [
  { key: 'transactionId', label: 'Transaction ID', sort: 'transactionId', fixed: true, defaultVisible: true, width: 150, render: (i, c) => c.link(i) },
  {
    key: 'incidentDate',
    label: 'Incident Date',
    sort: 'incidentDate',
    defaultVisible: true,
    width: 120,
    render: (i) => (
      <TwoLines>
        <DateTime value={i.incidentDate} />
      </TwoLines>
    ),
  },
  {
    key: 'createdAt',
    label: 'System Creation Date',
    sort: 'createdAt',
    defaultVisible: false,
    width: 120,
    render: (i) => (
      <TwoLines>
        <DateTime value={i.createdAt} />
      </TwoLines>
    ),
  },
  {
    key: 'updatedAt',
    label: 'Last Change Date',
    sort: 'updatedAt',
    // Off by default with DLP Admin so the default columns fit 1280 px; the chooser offers them.
    defaultVisible: false,
    width: 120,
    render: (i) => (
      <TwoLines>
        <DateTime value={i.updatedAt} />
      </TwoLines>
    ),
  },
  { key: 'priority', label: 'Priority', sort: 'priority', defaultVisible: true, render: (i) => <PriorityBadge value={i.priority} /> },
  { key: 'severity', label: 'Severity', sort: 'severity', defaultVisible: true, render: (i) => <SeverityBadge value={i.severity} /> },
  { key: 'status', label: 'Status', sort: 'status', defaultVisible: true, width: 150, render: (i) => <StatusBadge value={i.status} wrap /> },
  {
    key: 'dlpAdmin',
    label: 'DLP Admin',
    defaultVisible: false,
    render: (i) =>
      i.dlpAdmin ? (
        <Tooltip label={i.dlpAdmin.email}>
          <Text span size="sm">
            {i.dlpAdmin.name}
          </Text>
        </Tooltip>
      ) : (
        <Text span size="sm" c="dimmed">
          Unassigned
        </Text>
      ),
  },
  { key: 'sourceType', label: 'Source DLP Type', sort: 'sourceType', defaultVisible: true, width: 110, render: (i) => i.sourceType },
  { key: 'rules', label: 'Rules', defaultVisible: true, width: 130, render: (i) => <List values={i.rules} /> },
  { key: 'engines', label: 'Engines', defaultVisible: false, width: 160, render: (i) => <List values={i.engines} /> },
  {
    key: 'dictionaries',
    label: 'Dictionary Match Counts',
    defaultVisible: false,
    width: 200,
    render: (i) => <List values={i.dictionaries.map((d) => `${d.name} [${d.matchCount}]`)} />,
  },
  { key: 'userName', label: 'Username', sort: 'userName', defaultVisible: true, width: 130, render: (i, c) => c.user(i) },
  { key: 'fileName', label: 'File Name', sort: 'fileName', defaultVisible: false, width: 160, render: (i) => <List values={i.fileName ? [i.fileName] : []} /> },
  {
    key: 'destination',
    label: 'Destination',
    sort: 'destination',
    defaultVisible: false,
    width: 180,
    render: (i) => <List values={i.destination ? [i.destination] : []} />,
  },
  {
    key: 'labels',
    label: 'Labels',
    defaultVisible: false,
    width: 160,
    render: (i) =>
      i.labels.length ? (
        <Group gap={4}>
          {i.labels.map((l, n) => (
            <Badge key={n} variant="default" size="sm" styles={WRAPPING_BADGE}>
              {labelText(l)}
            </Badge>
          ))}
        </Group>
      ) : (
        <Text span c="dimmed">
          —
        </Text>
      ),
  },
  {
    key: 'incidentGroups',
    label: 'Incident Groups',
    defaultVisible: false,
    width: 160,
    render: (i) => <List values={i.incidentGroups.map((g) => g.name)} />,
  },
  {
    key: 'tickets',
    label: 'Tickets',
    defaultVisible: false,
    width: 160,
    render: (i) =>
      i.tickets.length ? (
        <Group gap={4}>
          {i.tickets.map((t) => (
            <Badge
              key={t.id}
              variant="light"
              size="sm"
              color={TICKET_STATE_LABELS[t.state].color}
              styles={WRAPPING_BADGE}
              title={`${t.integrationName}: ${TICKET_STATE_LABELS[t.state].label}`}
            >
              {t.ticketKey ?? TICKET_STATE_LABELS[t.state].label}
            </Badge>
          ))}
        </Group>
      ) : (
        <Text span c="dimmed">
          —
        </Text>
      ),
  },
  { key: 'dlpType', label: 'DLP Type', defaultVisible: false, width: 130, render: (i) => <List values={i.dlpType ? [i.dlpType] : []} /> },
  { key: 'action', label: 'Action', defaultVisible: false, width: 100, render: (i) => i.action },
  { key: 'department', label: 'Department', defaultVisible: false, width: 130, render: (i) => <List values={i.department ? [i.department] : []} /> },
  { key: 'lastChange', label: 'Last Change', defaultVisible: false, width: 160, render: (i) => <List values={i.lastChange ? [i.lastChange] : []} /> },
  {
    key: 'resolutionDate',
    label: 'Resolution Date',
    defaultVisible: false,
    width: 120,
    render: (i) =>
      i.resolutionDate ? (
        <TwoLines>
          <DateTime value={i.resolutionDate} />
        </TwoLines>
      ) : (
        <List values={[]} />
      ),
  },
  {
    key: 'justificationReason',
    label: 'Justification Reason',
    defaultVisible: false,
    width: 140,
    render: (i) => <List values={i.justification ? [i.justification.reason] : []} />,
  },
  {
    key: 'justificationNote',
    label: 'Justification Note',
    defaultVisible: false,
    width: 180,
    render: (i) => <List values={i.justification?.note ? [i.justification.note] : []} />,
  },
  detailColumn('clientIp', 'Client IP', (d) => d.user.clientIp),
  detailColumn('fileType', 'File Type', (d) => d.file?.type),
  detailColumn('fileMd5', 'File MD5', (d) => d.file?.md5),
  detailColumn('fileSize', 'File Size', (d) => d.file?.size, 'size'),
  detailColumn('fileSourceLocation', 'File Source Location', (d) => d.file?.sourceLocation),
  detailColumn('fileModifiedAt', 'File Modification Time', (d) => d.file?.modifiedAt, 'time'),
  detailColumn('documentType', 'Document Type', (d) => d.file?.documentType),
  detailColumn('applicationName', 'Application Name', (d) => d.application?.name),
  detailColumn('applicationCategory', 'Application Category', (d) => d.application?.category),
  detailColumn('homeLocation', 'Home Location', (d) => d.user.homeLocation),
  detailColumn('workLocation', 'Work Location', (d) => d.user.workLocation),
  detailColumn('referrerUrl', 'Referrer URL', (d) => d.referrerUrl),
  detailColumn('integration', 'Integration', (d) => d.integration),
  detailColumn('channel', 'Channel', (d) => d.channel),
  detailColumn('triggeredRecipients', 'Triggered Recipients', (d) => d.recipients?.triggered),
  detailColumn('internalRecipients', 'Internal Recipients', (d) => d.recipients?.internal),
  detailColumn('externalRecipients', 'External Recipients', (d) => d.recipients?.external),
  detailColumn('externalCollaboratorsGroups', 'External Collaborators Groups', (d) => saas(d, 'externalCollaboratorsGroups')),
  detailColumn('fileLinkExpiry', 'File Link Expiry', (d) => saas(d, 'fileLinkExpiry') as string | undefined, 'time'),
  detailColumn('fileModifiedBy', 'File Modified By', (d) => saas(d, 'fileModifiedBy')),
  detailColumn('fileSharedBy', 'File Shared By', (d) => saas(d, 'fileSharedBy')),
  detailColumn('fileSharedAt', 'File Shared At', (d) => saas(d, 'fileSharedAt') as string | undefined, 'time'),
];

const STORAGE_KEY = 'wfa.incidents.columns';
export function loadColumns(): ColumnKey[] {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw) {
      const keys = (JSON.parse(raw) as string[]).filter((k): k is ColumnKey => COLUMNS.some((c) => c.key === k));
      if (keys.length) return keys.includes('transactionId') ? keys : ['transactionId', ...keys];
    }
  } catch {
    /* fall back to the defaults */
  }
  return COLUMNS.filter((c) => c.defaultVisible).map((c) => c.key);
}
export function saveColumns(keys: ColumnKey[]) {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(keys));
  } catch {
    /* private mode: the choice lasts for this visit only */
  }
}
export function defaultColumns(): ColumnKey[] {
  return COLUMNS.filter((c) => c.defaultVisible).map((c) => c.key);
}
