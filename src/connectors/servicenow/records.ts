import type { ExternalStatus, ExternalTicket, ExternalUser } from '../types.js';

/**
 * ServiceNow returns every value as a string; with `sysparm_display_value=all` each value is a
 * `{display_value, value}` pair instead. These helpers read both shapes.
 */
export type SnValue = string | { value?: string; display_value?: string } | null | undefined;
export type SnRecord = Record<string, SnValue>;

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
  return {
    externalId: raw(r.sys_id),
    name: display(r.name) || raw(r.user_name),
    username: raw(r.user_name),
    email: email || null,
    active: raw(r.active) === 'true',
  };
}

export function toExternalTicket(r: SnRecord, url: string): ExternalTicket {
  const state = raw(r.state);
  const stateName = typeof r.state === 'object' && r.state?.display_value ? r.state.display_value : (STATE_NAMES[state] ?? state);
  const updated = raw(r.sys_updated_on);
  return {
    externalId: raw(r.sys_id),
    key: raw(r.number),
    url,
    status: { id: state, name: stateName, category: category(state) },
    closed: CLOSED_STATES.has(state),
    assigneeExternalId: raw(r.assigned_to) || null,
    // ServiceNow's "2026-11-27 10:00:00" is UTC in the Table API.
    updatedAt: updated ? new Date(`${updated.replace(' ', 'T')}Z`).toISOString() : null,
  };
}
