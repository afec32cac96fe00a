import { z } from 'zod';
import type { Observation } from './apply.js';
import { text } from '../../../platform/http/input.js';

/** The part of a Jira `jira:issue_updated` delivery that status sync reads. */
const jiraPush = z.object({
  timestamp: z.number(),
  webhookEvent: text().max(100),
  issue: z
    .object({
      id: text().max(50),
      key: text().max(100),
      fields: z.object({
        status: z.object({ id: text().max(50), name: text().max(255), statusCategory: z.object({ key: text().max(50) }).optional() }),
        assignee: z
          .object({ accountId: text().max(128) })
          .nullable()
          .optional(),
        updated: text().max(64).optional(),
      }),
    })
    .optional(),
});

/** What the Business Rule script in the set-up steps sends. */
const serviceNowPush = z.object({
  sys_id: text().regex(/^[0-9a-f]{32}$/i, 'sys_id must be 32 hexadecimal characters'),
  number: text().max(40).optional(),
  state: text().max(10),
  state_name: text().max(100).optional(),
  assigned_to: text().max(32).optional(),
  sys_updated_on: text().max(32).optional(),
});

const SN_STATE_NAMES: Record<string, string> = { '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled' };

export type ParsedPush =
  { kind: 'ticket'; externalId: string; seen: Observation; timestamp: unknown } | { kind: 'ignored'; reason: string; timestamp: unknown };

export type ParseOutcome = { ok: true; push: ParsedPush } | { ok: false; message: string };

function parse<T>(schema: z.ZodType<T>, raw: Buffer): { ok: true; value: T } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, message: 'The body is not JSON.' };
  }
  const r = schema.safeParse(json);
  return r.success
    ? { ok: true, value: r.data }
    : { ok: false, message: `The body is not a status push: ${r.error.issues[0]?.path.join('.') || 'body'} ${r.error.issues[0]?.message ?? ''}`.trim() };
}

function isoOrNull(value: string | undefined): string | null {
  if (!value) return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

export function parseJiraPush(raw: Buffer): ParseOutcome {
  const r = parse(jiraPush, raw);
  if (!r.ok) return r;
  const p = r.value;
  if (p.webhookEvent !== 'jira:issue_updated' || !p.issue)
    return { ok: true, push: { kind: 'ignored', reason: `Event ${p.webhookEvent} is not used.`, timestamp: p.timestamp } };
  const f = p.issue.fields;
  return {
    ok: true,
    push: {
      kind: 'ticket',
      externalId: p.issue.id,
      timestamp: p.timestamp,
      seen: {
        status: f.status.name,
        statusId: f.status.id,
        statusCategory: f.status.statusCategory?.key ?? null,
        assigneeExternalId: f.assignee?.accountId ?? null,
        updatedAt: isoOrNull(f.updated),
      },
    },
  };
}

export function parseServiceNowPush(raw: Buffer, timestampHeader: string | undefined): ParseOutcome {
  const r = parse(serviceNowPush, raw);
  if (!r.ok) return r;
  const p = r.value;
  // "2026-11-27 10:00:00" is UTC, as in the Table API.
  const updated = p.sys_updated_on ? isoOrNull(`${p.sys_updated_on.replace(' ', 'T')}Z`) : null;
  return {
    ok: true,
    push: {
      kind: 'ticket',
      externalId: p.sys_id.toLowerCase(),
      timestamp: timestampHeader,
      seen: {
        status: p.state_name || SN_STATE_NAMES[p.state] || p.state,
        statusId: p.state,
        statusCategory: p.state === '1' ? 'new' : ['6', '7', '8'].includes(p.state) ? 'done' : 'indeterminate',
        assigneeExternalId: p.assigned_to || null,
        updatedAt: updated,
      },
    },
  };
}
