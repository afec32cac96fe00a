import { z } from 'zod';
import { AppError } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { CloseBody } from '../incidents/schemas.js';
import type { CreateTicketInput, TicketView } from '../tickets/schemas.js';

/**
 * The step interface. The engine knows only `StepRunner`: it records each step's outcome, retries
 * what throws, stops on `PermanentStepError`. A new kind (notify, escalate, wait for a response)
 * is a new runner in the registry the module builds; the engine does not change.
 */

const id = z.number().int().positive();
export const stepSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('create_ticket'),
    integrationId: id,
    projectId: id.optional(),
    issueTypeId: z.string().min(1).max(64).optional(),
    integrationUserId: id,
  }),
  z.strictObject({
    kind: z.literal('close_incident'),
    notes: z.string().max(4000).optional(),
    resolutionLabelId: id.optional(),
    resolutionValue: z.string().max(100).nullish(),
    falsePositive: z.boolean(),
  }),
  z.strictObject({ kind: z.literal('notify_user'), note: z.string().max(2000).optional() }),
  z.strictObject({
    kind: z.literal('escalate'),
    userType: z.enum(['manager', 'approver', 'email']),
    approverId: id.optional(),
    email: z.string().max(254).optional(),
    note: z.string().max(2000).optional(),
  }),
  z.strictObject({
    kind: z.literal('wait'),
    seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400),
  }),
]);
export type StepSpec = z.infer<typeof stepSpec>;
export type StepKind = StepSpec['kind'];

export type StepContext = {
  orgId: number;
  incidentId: number;
  executionId: number;
  workflowName: string;
  /** "System" within the org. */
  actor: Principal;
  /** An earlier attempt of this step started and may have acted before the process died. */
  resumed: boolean;
  /** When this step's first attempt started: anything it did is at least this recent. */
  firstStartedAt: string;
};

export type StepResult = {
  /** What happened, shown in the Workflow section. */
  detail: string;
  ticketId?: number;
  /** Hold the next step back this long (the wait step). */
  delayNextMs?: number;
};

/** Retrying cannot help (a refused setting, a deleted integration): the execution stops with this reason. */
export class PermanentStepError extends Error {}

export interface StepRunner<S extends StepSpec = StepSpec> {
  kind: S['kind'];
  run(spec: S, ctx: StepContext): Promise<StepResult>;
}

export type StepRegistry = { [K in StepKind]?: StepRunner<Extract<StepSpec, { kind: K }>> };

/** A caller's mistake from another module (4xx) will not go away by retrying. */
function permanentIfRefused(err: unknown): never {
  if (err instanceof AppError && err.statusCode >= 400 && err.statusCode < 500) throw new PermanentStepError(err.message);
  throw err;
}

/** Create ticket: the Ticket action's exactly-once path, as "System". */
export function createTicketStep(tickets: {
  create(actor: Principal, incidentId: number, input: CreateTicketInput): Promise<TicketView>;
  forIncident(orgId: number, incidentId: number): Promise<TicketView[]>;
}): StepRunner<Extract<StepSpec, { kind: 'create_ticket' }>> {
  return {
    kind: 'create_ticket',
    async run(spec, ctx) {
      if (ctx.resumed) {
        // The attempt cut short may have requested the ticket, which may since have failed or
        // closed (and so no longer blocks a new one): a System ticket on this integration
        // requested since the step first started is that one.
        const mine = (await tickets.forIncident(ctx.orgId, ctx.incidentId)).find(
          (t) => t.integration.id === spec.integrationId && t.createdBy === ctx.actor.label && t.createdAt >= ctx.firstStartedAt,
        );
        if (mine) return { detail: `Ticket requested on ${mine.integration.name} for ${mine.assignee.name} (${mine.assignee.email})`, ticketId: mine.id };
      }
      try {
        const t = await tickets.create(ctx.actor, ctx.incidentId, {
          integrationId: spec.integrationId,
          projectId: spec.projectId,
          issueTypeId: spec.issueTypeId,
          integrationUserId: spec.integrationUserId,
          notes: `Created by workflow ${ctx.workflowName}.`,
        });
        return { detail: `Ticket requested on ${t.integration.name} for ${t.assignee.name} (${t.assignee.email})`, ticketId: t.id };
      } catch (err) {
        // A live ticket on that integration already exists (ours from an attempt cut short, or an
        // admin's): the incident has its ticket, so the step is done and no second one is made.
        if (err instanceof AppError && err.statusCode === 409) {
          const d = err.details as { ticketId?: number; ticketKey?: string | null } | undefined;
          if (d?.ticketId) return { detail: `The incident already has ticket ${d.ticketKey ?? `#${d.ticketId}`}; no second ticket made`, ticketId: d.ticketId };
        }
        return permanentIfRefused(err);
      }
    },
  };
}

/** Close incident: the Close action as "System"; an incident already Resolved stays as it is. */
export function closeIncidentStep(incidents: {
  close(actor: Principal, id: number, body: CloseBody): Promise<unknown>;
}): StepRunner<Extract<StepSpec, { kind: 'close_incident' }>> {
  return {
    kind: 'close_incident',
    async run(spec, ctx) {
      try {
        await incidents.close(ctx.actor, ctx.incidentId, {
          notes: spec.notes || `Closed by workflow ${ctx.workflowName}.`,
          resolutionLabelId: spec.resolutionLabelId,
          resolutionValue: spec.resolutionValue,
          falsePositive: spec.falsePositive,
        });
        return { detail: `Incident closed${spec.falsePositive ? ' as a false positive' : ''}` };
      } catch (err) {
        if (err instanceof AppError && err.statusCode === 409 && /already Resolved/.test(err.message)) return { detail: 'The incident was already Resolved' };
        return permanentIfRefused(err);
      }
    },
  };
}

/** Wait: holds the next step back; the job queue keeps the time, so a restart does not lose it. */
export const waitStep: StepRunner<Extract<StepSpec, { kind: 'wait' }>> = {
  kind: 'wait',
  run: async (spec) => ({ detail: `Next step held back ${spec.seconds} seconds`, delayNextMs: spec.seconds * 1000 }),
};

/**
 * Notify User and Escalate as steps. They belong to the remediation module, which is built after
 * this one (it needs notifications, templates and account settings): it hands its two actions over
 * here once built, and until then (or on a server without it) these steps stop with that reason.
 */
export type RemediationSteps = {
  notifyUser(actor: Principal, incidentId: number, body: { note?: string }, opts: { reuseOpen?: boolean }): Promise<{ request: { recipient: string } }>;
  escalate(
    actor: Principal,
    incidentId: number,
    body: { userType: 'manager' | 'approver' | 'email'; approverId?: number; email?: string; note?: string },
    opts: { reuseOpen?: boolean },
  ): Promise<{ request: { recipient: string } }>;
};

export class WorkflowRemediationHooks {
  private steps: RemediationSteps | null = null;

  use(steps: RemediationSteps): void {
    this.steps = steps;
  }

  get(): RemediationSteps {
    if (!this.steps) throw new PermanentStepError('Notify User and Escalate are not available on this server.');
    return this.steps;
  }
}

/** A survey already open for the incident is the step's goal reached (ours from an attempt cut short, or an admin's). */
function alreadyWaiting(err: unknown): StepResult | null {
  return err instanceof AppError && err.statusCode === 409 && /already waits for/.test(err.message) ? { detail: err.message } : null;
}

/** Notify User: the justification survey to the incident's user, as "System"; a resumed attempt reuses its open link. */
export function notifyUserStep(hooks: WorkflowRemediationHooks): StepRunner<Extract<StepSpec, { kind: 'notify_user' }>> {
  return {
    kind: 'notify_user',
    async run(spec, ctx) {
      try {
        const r = await hooks.get().notifyUser(ctx.actor, ctx.incidentId, { note: spec.note || `Sent by workflow ${ctx.workflowName}.` }, { reuseOpen: true });
        return { detail: `Justification survey sent to ${r.request.recipient}` };
      } catch (err) {
        return alreadyWaiting(err) ?? permanentIfRefused(err);
      }
    },
  };
}

/** Escalate: the escalation survey to the user's manager, an approver or an address, as "System". */
export function escalateStep(hooks: WorkflowRemediationHooks): StepRunner<Extract<StepSpec, { kind: 'escalate' }>> {
  return {
    kind: 'escalate',
    async run(spec, ctx) {
      try {
        const { kind: _kind, ...body } = spec;
        const r = await hooks
          .get()
          .escalate(ctx.actor, ctx.incidentId, { ...body, note: spec.note || `Escalated by workflow ${ctx.workflowName}.` }, { reuseOpen: true });
        return { detail: `Escalation survey sent to ${r.request.recipient}` };
      } catch (err) {
        return alreadyWaiting(err) ?? permanentIfRefused(err);
      }
    },
  };
}
