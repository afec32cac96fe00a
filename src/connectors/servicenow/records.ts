import { z } from 'zod';
import { boundedId, boundedName } from '../limits.js';
import type { ExternalStatus, ExternalTicket, ExternalUser } from '../types.js';

/**
 * ServiceNow returns every value as a string; with `sysparm_display_value=all` each value is a
 * `{display_value, value}` pair instead. These helpers read both shapes.
 */
const SYSTEM = 'ServiceNow';
const snText = z.union([z.string(), z.number().transform(String), z.boolean().transform(String)]).nullish();
const snValue = z.union([snText, z.looseObject({ value: snText, display_value: snText })]);
export type SnValue = z.infer<typeof snValue>;
const snRecord = z.record(z.string(), snValue);
export type SnRecord = z.infer<typeof snRecord>;

/** Table API answers: `{result: [...]}` for a query, `{result: {...}}` for one record (ticketing-apis.md §2). */
export const snList = z.looseObject({ result: z.array(snRecord) });
export const snOne = z.looseObject({ result: snRecord });

export function raw(v: SnValue): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : (v.value ?? '');
}

export function display(v: SnValue): string {
  if (v === null || v === undefined) return '';
  return typeof v === 'string' ? v : (v.display_value ?? v.value ?? '');
}

/** Default incident state choices (ticketing-apis.md §2.5); the display value wins when the instance sends one. */
const STATE_NAMES: Record<string, string> = {
  '1': 'New',
  '2': 'In Progress',
  '3': 'On Hold',
  '6': 'Resolved',
  '7': 'Closed',
  '8': 'Canceled',
};

/** Resolved and Closed end the work on the ticket; Canceled is finished too but is not a resolution. */
const CLOSED_STATES = new Set(['6', '7']);

function category(state: string): ExternalStatus['category'] {
  if (state === '1') return 'new';
  if (state === '6' || state === '7' || state === '8') return 'done';
  return 'indeterminate';
}

export function toExternalUser(r: SnRecord): ExternalUser {
  const email = raw(r.email);
  const username = boundedName(raw(r.user_name));
  return {
    externalId: boundedId(SYSTEM, 'user sys_id', raw(r.sys_id)),
    name: boundedName(display(r.name)) || username,
    username,
    // No real address is longer than 254 characters; a longer one is treated as absent.
    email: email && email.length <= 254 ? email : null,
    active: raw(r.active) === 'true',
  };
}

export function toExternalTicket(r: SnRecord, url: string): ExternalTicket {
  const state = raw(r.state);
  const stateName = typeof r.state === 'object' && r.state?.display_value ? r.state.display_value : (STATE_NAMES[state] ?? state);
  const assignee = raw(r.assigned_to);
  return {
    externalId: boundedId(SYSTEM, 'incident sys_id', raw(r.sys_id)),
    key: boundedId(SYSTEM, 'incident number', raw(r.number)),
    url,
    status: { id: state.length > 0 ? boundedId(SYSTEM, 'incident state', state) : '', name: boundedName(stateName), category: category(state) },
    closed: CLOSED_STATES.has(state),
    assigneeExternalId: assignee ? boundedId(SYSTEM, 'assignee sys_id', assignee) : null,
    updatedAt: utcTime(raw(r.sys_updated_on)),
  };
}

/** ServiceNow's "2026-11-27 10:00:00" is UTC in the Table API; one that does not parse is treated as unknown. */
function utcTime(value: string): string | null {
  if (!value) return null;
  const time = new Date(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}
