import { badRequest } from '../../platform/http/errors.js';
import { PRIORITIES, SEVERITIES, SOURCE_TYPES, STATUSES, type ListFilters, type Status } from '../incidents/schemas.js';
import type { LabelView } from '../labels/schemas.js';
import type { FilterBody } from './schemas.js';
import { fromWire } from './wire.js';

/** The longest time range the incidents list accepts (and the default when a search gives none). */
export const MAX_RANGE_DAYS = 190;
const DAY_MS = 86_400_000;

/** The UI's status buckets that vendor scripts use as status values ("open", "closed"). */
const STATUS_BUCKETS: Record<string, Status[]> = {
  OPEN: ['New', 'Investigating', 'Received Justification Response'],
  CLOSED: ['Resolved'],
};

/** Field names as vendor scripts write them (any case, with or without separators) → our filter. */
const FIELD_NAMES: Record<string, string> = {
  severity: 'severity',
  priority: 'priority',
  status: 'status',
  transactionid: 'transactionId',
  source: 'sourceType',
  sourcetype: 'sourceType',
  sourcedlptype: 'sourceType',
  labels: 'label',
  label: 'label',
  engine: 'engine',
  engines: 'engine',
  rule: 'rule',
  rules: 'rule',
  department: 'department',
  incidentgroup: 'incidentGroup',
  incidentgroups: 'incidentGroup',
  incidentgroupids: 'incidentGroup',
};
const SUPPORTED = 'severity, priority, status, transactionId, sourceType, labels, engine, rule, department, incidentGroup';

/** What a search asks for, in the incidents list's terms; `none` when it can match nothing (a group id that cannot exist). */
export type Search = { filters: ListFilters; none: boolean };

function enumValues<T extends string>(field: string, vocabulary: readonly T[], values: string[]): T[] {
  return values.map((v) => {
    const hit = fromWire(vocabulary, v);
    if (!hit)
      throw badRequest(
        `fields.${field}: "${v}" is not a ${field}. Use one of: ${vocabulary.map((x) => x.toUpperCase().replace(/[^A-Z0-9]+/g, '_')).join(', ')}.`,
      );
    return hit;
  });
}

const strings = (field: string, values: unknown[]): string[] =>
  values.map((v) => {
    if (typeof v !== 'string') throw badRequest(`fields.${field}: values must be strings.`);
    return v.trim();
  });

/**
 * The vendor's filter body as list filters. Values are OR'ed within a field and AND'ed across
 * fields, matched case-insensitively. The time range applies to the incident date; a missing
 * bound is open up to the list's longest range (190 days back from the end, the end defaulting to now).
 */
export async function toSearch(body: FilterBody, labels: () => Promise<LabelView[]>, groups: () => Promise<{ id: number; name: string }[]>): Promise<Search> {
  const f: ListFilters = { searchMode: 'all', sort: 'incidentDate', order: 'desc' };
  let none = false;
  for (const field of body.fields ?? []) {
    const key = FIELD_NAMES[field.name.toLowerCase().replace(/[^a-z]/g, '')];
    if (!key) throw badRequest(`fields: "${field.name}" is not a filterable field. Use one of: ${SUPPORTED}.`);
    if (!field.value.length) continue;
    if (key === 'severity') f.severity = enumValues('severity', SEVERITIES, strings(key, field.value));
    else if (key === 'priority') f.priority = enumValues('priority', PRIORITIES, strings(key, field.value));
    else if (key === 'sourceType') f.sourceType = enumValues('sourceType', SOURCE_TYPES, strings(key, field.value));
    else if (key === 'status') {
      const given = strings(key, field.value);
      f.status = [...new Set(given.flatMap((v) => STATUS_BUCKETS[v.toUpperCase()] ?? enumValues('status', STATUSES, [v])))];
    } else if (key === 'transactionId') {
      const ids = strings(key, field.value);
      if (ids.length > 10) throw badRequest('fields.transactionId: search by at most 10 transaction IDs at a time.');
      f.searchMode = 'transactionId';
      f.search = ids.join(',');
    } else if (key === 'engine') f.engine = strings(key, field.value);
    else if (key === 'rule') f.rule = strings(key, field.value);
    else if (key === 'department') f.department = strings(key, field.value);
    else if (key === 'incidentGroup') {
      // Group ids as numeric strings (filter values are strings) or group names.
      const known = await groups();
      const ids: number[] = [];
      for (const v of field.value) {
        const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : null;
        if (s === null) throw badRequest(`fields.${field.name}: values must be incident group ids or names.`);
        if (/^\d{1,20}$/.test(s)) {
          const id = Number(s);
          if (known.some((g) => g.id === id)) ids.push(id);
          continue;
        }
        const hit = known.find((g) => g.name.toLowerCase() === s.toLowerCase());
        if (!hit) throw badRequest(`fields.${field.name}: there is no incident group "${s}". Incident groups are defined in Setup > Incident Groups.`);
        ids.push(hit.id);
      }
      // Only ids of no group were given: nothing can match (an unknown id is not an error, as with the vendor).
      if (!ids.length) none = true;
      else f.incidentGroup = [...new Set(ids)];
    } else if (key === 'label') {
      // `[{"<label name>": ["<value>", …]}]` (the vendor's form) or plain label names. Incidents
      // carrying the label match, whatever its value.
      const names = field.value.flatMap((v) => (typeof v === 'string' ? [v] : Object.keys(v)));
      const known = await labels();
      f.label = names.map((n) => {
        const hit = known.find((l) => l.name.toLowerCase() === n.trim().toLowerCase());
        if (!hit) throw badRequest(`fields.labels: there is no label "${n}". Labels are defined in Setup > Labels.`);
        return hit.id;
      });
    }
  }
  const end = body.timeRange?.endTime ? new Date(body.timeRange.endTime) : new Date();
  const start = body.timeRange?.startTime ? new Date(body.timeRange.startTime) : new Date(end.getTime() - MAX_RANGE_DAYS * DAY_MS);
  if (start.getTime() >= end.getTime()) throw badRequest('timeRange: startTime must be before endTime.');
  if (end.getTime() - start.getTime() > MAX_RANGE_DAYS * DAY_MS)
    throw badRequest(`timeRange: a time range can span at most ${MAX_RANGE_DAYS} days; narrow startTime or endTime.`);
  f.from = start.toISOString();
  f.to = end.toISOString();
  return { filters: f, none };
}
