import { z } from 'zod';
import type { AnyExec } from '../../platform/db/database.js';
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

/** What a Wait for Response step can find: the end user's Justification Type or the escalation's decision, or nothing in time. */
export const NO_RESPONSE = 'No Response';
export const JUSTIFICATION_BRANCHES = ['False Positive', 'Manager Approved', 'Others', NO_RESPONSE] as const;
export const ESCALATION_BRANCHES = ['Approved', 'Rejected', NO_RESPONSE] as const;
export const RESPONSE_BRANCHES = [...new Set([...JUSTIFICATION_BRANCHES, ...ESCALATION_BRANCHES])] as [string, ...string[]];

/**
 * Any step may carry `when`: it runs only if the branch chosen by the latest earlier step that
 * chose one is among these, and is recorded as skipped otherwise. That is the whole of branching:
 * the engine compares names, the steps that choose (Wait for Response) say which.
 */
const guard = { when: z.array(z.enum(RESPONSE_BRANCHES)).min(1).max(RESPONSE_BRANCHES.length).optional() };

/** Notify and escalate steps: the messages' language and the chat connections sent on besides email. */
const delivery = { language: z.string().max(10).optional(), chatConnectionIds: z.array(id).max(10).optional() };

export const stepSpec = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('create_ticket'),
    integrationId: id,
    projectId: id.optional(),
    issueTypeId: z.string().min(1).max(64).optional(),
    integrationUserId: id,
    ...guard,
  }),
  z.strictObject({
    kind: z.literal('close_incident'),
    notes: z.string().max(4000).optional(),
    resolutionLabelId: id.optional(),
    resolutionValue: z.string().max(100).nullish(),
    falsePositive: z.boolean(),
    ...guard,
  }),
  z.strictObject({ kind: z.literal('notify_user'), note: z.string().max(2000).optional(), ...delivery, ...guard }),
  z.strictObject({
    kind: z.literal('escalate'),
    userType: z.enum(['manager', 'approver', 'email']),
    approverId: id.optional(),
    email: z.string().max(254).optional(),
    note: z.string().max(2000).optional(),
    ...delivery,
    ...guard,
  }),
  z.strictObject({
    kind: z.literal('wait'),
    seconds: z
      .number()
      .int()
      .min(0)
      .max(30 * 86_400),
    ...guard,
  }),
  z.strictObject({
    kind: z.literal('wait_for_response'),
    /** Whose answer: the end user's justification survey, or the escalation survey. */
    purpose: z.enum(['justification', 'escalation']),
    /** Absent: until the survey link expires (its expiry comes from Account Settings). */
    timeoutSeconds: z
      .number()
      .int()
      .min(1)
      .max(30 * 86_400)
      .optional(),
    ...guard,
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
  /** The branch chosen; later steps' `when` is matched against it. */
  branch?: string;
  /**
   * Not finished: run this step again at this time (ISO) at the latest, or sooner when an event
   * wakes the execution (`WorkflowEngine.wake`). The step is "waiting" meanwhile, `detail` says for what.
   */
  waitUntil?: string;
};

/** Retrying cannot help (a refused setting, a deleted integration): the execution stops with this reason. */
export class PermanentStepError extends Error {}

export interface StepRunner<S extends StepSpec = StepSpec> {
  kind: S['kind'];
  run(spec: S, ctx: StepContext): Promise<StepResult>;
  /**
   * Its runs only read, so running it again while a run is under way is harmless: an event may
   * wake it even mid-run (an answer that lands between its read and its suspension is not lost).
   */
  wakeable?: boolean;
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
/** A survey request as a Wait for Response step reads it: the newest of its purpose, and its answer if any. */
export type SurveyRequestState = {
  recipient: string;
  sentAt: string;
  expiresAt: string;
  answer: { value: string; reason: string | null; respondedAt: string } | null;
};

export type RemediationSteps = {
  latestRequest(orgId: number, incidentId: number, purpose: 'justification' | 'escalation'): Promise<SurveyRequestState | null>;
  notifyUser(
    actor: Principal,
    incidentId: number,
    body: { note?: string } & Delivery,
    opts: { reuseOpen?: boolean },
  ): Promise<{ request: { recipient: string } }>;
  escalate(
    actor: Principal,
    incidentId: number,
    body: { userType: 'manager' | 'approver' | 'email'; approverId?: number; email?: string; note?: string } & Delivery,
    opts: { reuseOpen?: boolean },
  ): Promise<{ request: { recipient: string } }>;
  /** 400 naming the connection when one of `ids` is not a chat connection of the org. */
  checkChatConnections(orgId: number, ids: number[]): Promise<void>;
};
type Delivery = { language?: string; chatConnectionIds?: number[] };

/** Told inside the answer's transaction that an incident's survey was answered. */
export type ResponseListener = (exec: AnyExec, orgId: number, incidentId: number, linkId: number) => Promise<void>;

export class WorkflowRemediationHooks {
  private steps: RemediationSteps | null = null;
  private listener: ResponseListener | null = null;

  use(steps: RemediationSteps): void {
    this.steps = steps;
  }

  /** The workflows module listens (it wakes the executions waiting on the incident). */
  onResponse(listener: ResponseListener): void {
    this.listener = listener;
  }

  /** Remediation calls this in the transaction that records an answer, so the wake-up commits with it. */
  async responded(exec: AnyExec, orgId: number, incidentId: number, linkId: number): Promise<void> {
    if (this.listener) await this.listener(exec, orgId, incidentId, linkId);
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
        const { kind: _kind, when: _when, ...body } = spec;
        const r = await hooks
          .get()
          .notifyUser(ctx.actor, ctx.incidentId, { ...body, note: spec.note || `Sent by workflow ${ctx.workflowName}.` }, { reuseOpen: true });
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
        const { kind: _kind, when: _when, ...body } = spec;
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

const PURPOSE_TEXT = { justification: 'justification survey', escalation: 'escalation survey' } as const;

/**
 * Wait for Response: suspends until the newest survey of its purpose (the one the step before sent
 * or found open) is answered or the time is up, then chooses the branch: the answer, or No Response.
 * The deadline is fixed at the first attempt (timeout from then, never past the link's expiry,
 * after which no answer can come); being woken early or twice only re-reads the answer.
 */
export function waitForResponseStep(
  hooks: WorkflowRemediationHooks,
  now: () => number = Date.now,
): StepRunner<Extract<StepSpec, { kind: 'wait_for_response' }>> {
  return {
    kind: 'wait_for_response',
    wakeable: true,
    async run(spec, ctx) {
      const req = await hooks.get().latestRequest(ctx.orgId, ctx.incidentId, spec.purpose);
      if (!req) throw new PermanentStepError(`No ${PURPOSE_TEXT[spec.purpose]} was sent for this incident, so there is no answer to wait for.`);
      if (req.answer) {
        const reason = req.answer.reason ? ` (${req.answer.reason})` : '';
        return { detail: `${req.recipient} answered ${req.answer.value}${reason} at ${req.answer.respondedAt}`, branch: req.answer.value };
      }
      const deadline = spec.timeoutSeconds
        ? Math.min(Date.parse(ctx.firstStartedAt) + spec.timeoutSeconds * 1000, Date.parse(req.expiresAt))
        : Date.parse(req.expiresAt);
      const until = new Date(deadline).toISOString();
      if (now() >= deadline) return { detail: `No response from ${req.recipient} by ${until}`, branch: NO_RESPONSE };
      return { detail: `Waiting for ${req.recipient}'s answer to the ${PURPOSE_TEXT[spec.purpose]}`, waitUntil: until };
    },
  };
}
