import type { Kysely } from 'kysely';
import type { AnyExec } from '../../platform/db/database.js';
import { nowIso } from '../../platform/db/database.js';
import type { EnqueueInput, Job, JobQueue } from '../../platform/jobs/index.js';
import { fullPermissions } from '../../platform/permissions.js';
import { systemPrincipal } from '../../platform/principal.js';
import type { GroupedIncident } from '../incidents/group-hooks.js';
import type { IngestedListener, PendingBatch } from '../incidents/ingest-hooks.js';
import type { IncidentEventInput } from '../incidents/ticket-hooks.js';
import { attributesOf, type FactsNeeded, type IncidentFacts } from './attributes.js';
import { matches, type Attributes, type Condition } from './conditions.js';
import type { WorkflowsTables } from './migrations.js';
import { PermanentStepError, stepSpec, type StepRegistry, type StepResult, type StepRunner, type StepSpec } from './steps.js';
import type { StatementIndex } from './statement-index.js';
import type { ExecutionRecord, MappingRecord, WorkflowsStore } from './store.js';

export const EVALUATE_JOB = 'workflows.evaluate';
export const STEP_JOB = 'workflows.step';
export type EvaluatePayload = { incidentIds: number[] };
export type StepPayload = { executionId: number; step: number };
const STEP_MAX_ATTEMPTS = 10;

export type EngineDeps = {
  db: Kysely<WorkflowsTables>;
  jobs: Pick<JobQueue, 'enqueue' | 'enqueueMany'>;
  incidents: {
    ruleFacts(orgId: number, ids: number[], need: FactsNeeded): Promise<(IncidentFacts & { id: number })[]>;
    recordEvent(exec: AnyExec, orgId: number, incidentId: number, event: IncidentEventInput): Promise<void>;
    recordEvents(exec: AnyExec, orgId: number, items: { incidentId: number; event: Omit<IncidentEventInput, 'ticket'> }[]): Promise<void>;
  };
};

/** A mapping statement ready to test: its parsed condition and its workflow's current version. */
export type CompiledStatement = {
  record: MappingRecord;
  condition: Condition | null;
  workflow: { id: number; name: string; versionId: number };
};

/** The org's statements in order, and what of an incident they read (`read`: the properties). */
export type CompiledMappings = { statements: CompiledStatement[]; need: FactsNeeded; read: ReadonlySet<string>; index: StatementIndex };

/** Does the statement's Source DLP Type and condition hold for an incident of this source with these attributes? */
export function statementMatches(s: Pick<CompiledStatement, 'record' | 'condition'>, sourceType: string, attrs: Attributes): boolean {
  if (s.record.source_dlp_type !== 'Any' && s.record.source_dlp_type !== sourceType) return false;
  return s.condition ? matches(s.condition, attrs) : true;
}

type Hit = { incidentId: number; workflow: CompiledStatement['workflow'] };
type PendingHit = { incident: GroupedIncident; workflow: CompiledStatement['workflow'] };

/** Each incident's first matching statement (in the statements' order); incidents none matches are left out. */
function firstMatches<T extends IncidentFacts>(
  { statements, index, read }: CompiledMappings,
  incidents: T[],
): { incident: T; workflow: CompiledStatement['workflow'] }[] {
  const hits: { incident: T; workflow: CompiledStatement['workflow'] }[] = [];
  for (const incident of incidents) {
    const position = index.firstMatch(incident.sourceType, attributesOf(incident, read));
    if (position >= 0) hits.push({ incident, workflow: statements[position].workflow });
  }
  return hits;
}

/** The State Changes entry of an execution started on an incident. */
function startedEvent(workflowName: string, changedBy: string, adminId: number | null) {
  return { action: 'workflow', summary: `Workflow ${workflowName} started`, changedBy, adminId };
}

/**
 * The durable engine. An execution is one incident running one workflow version; each step is a
 * job. A step's outcome and the move to the next step commit together, so a step whose outcome is
 * recorded never runs again; a step cut short (the process died) runs again knowing it may have
 * acted (`resumed`), and the step kinds are written to find what they did instead of redoing it.
 */
export class WorkflowEngine {
  constructor(
    private readonly deps: EngineDeps,
    private readonly store: WorkflowsStore,
    private readonly steps: StepRegistry,
    /** The org's statements, compiled (the service caches them). */
    private readonly statements: (orgId: number, exec?: AnyExec) => Promise<CompiledMappings>,
  ) {}

  /**
   * Inside the ingestion transaction, on the new incidents before they are written (with the
   * priority incident groups derived): each one's first matching statement gets its State Changes
   * entry and Last Change written with the incident, and once the incidents have ids its execution
   * and first step start in that same transaction. So every new incident is evaluated exactly
   * once, with the statements in force when it was ingested, and none is skipped; a rollback takes
   * its executions with it.
   */
  async onIngesting(exec: AnyExec, orgId: number, batch: PendingBatch): Promise<IngestedListener | undefined> {
    let hits: PendingHit[];
    try {
      const compiled = await this.statements(orgId, exec);
      if (!compiled.statements.length) return undefined;
      hits = firstMatches(compiled, batch.incidents());
    } catch {
      // Statements are validated when saved, so this is a defect; it must not turn the incidents
      // away. The evaluation job tests them again after the commit, and a failure stays on the job.
      return async (x, o, ingested) => {
        await this.deps.jobs.enqueue(x, {
          kind: EVALUATE_JOB,
          orgId: o,
          payload: { incidentIds: ingested.ids },
          dedupeKey: `${EVALUATE_JOB}:${ingested.ids[0]}`,
          maxAttempts: STEP_MAX_ATTEMPTS,
        });
      };
    }
    if (!hits.length) return undefined;
    for (const h of hits) batch.recordEvent(h.incident, startedEvent(h.workflow.name, 'System', null));
    return async (x, o, ingested) => {
      const toStart: Hit[] = [];
      for (const h of hits) {
        const incidentId = ingested.idOf(h.incident.transactionId);
        if (incidentId !== undefined) toStart.push({ incidentId, workflow: h.workflow });
      }
      // A new incident cannot have an execution yet (they go with their incident), so each starts.
      await this.startExecutions(x, o, toStart);
    };
  }

  /**
   * An evaluation job queued at ingestion by an earlier release (evaluation now happens in the
   * ingestion transaction): the incidents are read back and started the same way. Any already
   * started (the trigger is unique) is left as it is.
   */
  async evaluate(job: Job<EvaluatePayload>): Promise<void> {
    const orgId = job.orgId!;
    const compiled = await this.statements(orgId);
    const { statements, need } = compiled;
    if (!statements.length) return;
    // An incident deleted since ingestion is simply not among the facts.
    const facts = await this.deps.incidents.ruleFacts(orgId, job.payload.incidentIds, need);
    facts.sort((a, b) => a.id - b.id);
    const hits = firstMatches(compiled, facts).map((h) => ({ incidentId: h.incident.id, workflow: h.workflow }));
    if (hits.length) await this.deps.db.transaction().execute((trx) => this.startMany(trx, orgId, hits));
  }

  /**
   * The batch's ingest executions, their State Changes entries and first step jobs in a few
   * statements of the caller's transaction (a round trip per incident would cost more than the
   * rules). An incident already started is left as it is.
   */
  private async startMany(trx: AnyExec, orgId: number, hits: Hit[]): Promise<void> {
    const byIncident = new Map(hits.map((h) => [h.incidentId, h.workflow]));
    const started = await this.startExecutions(trx, orgId, hits);
    await this.deps.incidents.recordEvents(
      trx,
      orgId,
      started.map((e) => ({ incidentId: e.incident_id, event: startedEvent(byIncident.get(e.incident_id)!.name, 'System', null) })),
    );
  }

  /**
   * Running ingest executions of these hits, each with its first step's job; an incident that has
   * one already is left out (and out of the result).
   */
  private async startExecutions(trx: AnyExec, orgId: number, hits: Hit[]): Promise<{ id: number; incident_id: number }[]> {
    const now = nowIso();
    const started = await this.store.insertExecutions(
      trx,
      hits.map((h) => ({
        org_id: orgId,
        incident_id: h.incidentId,
        workflow_id: h.workflow.id,
        workflow_name: h.workflow.name,
        version_id: h.workflow.versionId,
        trigger_key: 'ingest',
        status: 'running' as const,
        next_step: 0,
        reason: null,
        started_by: 'System',
        started_at: now,
        finished_at: null,
      })),
    );
    await this.deps.jobs.enqueueMany(
      trx,
      started.map((e) => this.stepJob(orgId, e.id, 0)),
    );
    return started;
  }

  /** Starts an execution on the workflow's current version; null when one exists for this trigger. */
  async start(
    orgId: number,
    incidentId: number,
    wf: CompiledStatement['workflow'],
    triggerKey: string,
    startedBy: string,
    adminId: number | null = null,
    /** Written in the same transaction (the audit entry of a Run workflow). */
    also?: (trx: AnyExec, executionId: number) => Promise<void>,
  ) {
    return this.deps.db.transaction().execute(async (trx) => {
      const id = await this.startIn(trx, orgId, incidentId, wf, triggerKey, startedBy, adminId);
      if (id !== null && also) await also(trx, id);
      return id;
    });
  }

  /** The execution, its State Changes entry and its first step's job, in the caller's transaction. */
  private async startIn(
    trx: AnyExec,
    orgId: number,
    incidentId: number,
    wf: CompiledStatement['workflow'],
    triggerKey: string,
    startedBy: string,
    adminId: number | null,
  ): Promise<number | null> {
    const id = await this.store.insertExecution(trx, {
      org_id: orgId,
      incident_id: incidentId,
      workflow_id: wf.id,
      workflow_name: wf.name,
      version_id: wf.versionId,
      trigger_key: triggerKey,
      status: 'running',
      next_step: 0,
      reason: null,
      started_by: startedBy,
      started_at: nowIso(),
      finished_at: null,
    });
    if (id === null) return null;
    await this.deps.incidents.recordEvent(trx, orgId, incidentId, startedEvent(wf.name, startedBy, adminId));
    await this.enqueueStep(trx, orgId, id, 0);
    return id;
  }

  /** `again`: one more run of a step already queued once (a suspended step's timer or wake-up). */
  private stepJob(orgId: number, executionId: number, step: number, delayMs = 0, again?: string): EnqueueInput {
    const payload: StepPayload = { executionId, step };
    return {
      kind: STEP_JOB,
      orgId,
      payload,
      dedupeKey: `${STEP_JOB}:${executionId}:${step}${again ? `:${again}` : ''}`,
      maxAttempts: STEP_MAX_ATTEMPTS,
      runAt: delayMs ? new Date(Date.now() + delayMs) : undefined,
    };
  }

  private enqueueStep(exec: AnyExec, orgId: number, executionId: number, step: number, delayMs = 0, again?: string) {
    return this.deps.jobs.enqueue(exec, this.stepJob(orgId, executionId, step, delayMs, again));
  }

  private async specsOf(e: ExecutionRecord): Promise<StepSpec[]> {
    const v = await this.store.versionById(e.org_id, e.version_id);
    if (!v) return [];
    return (JSON.parse(v.steps) as unknown[]).map((s) => stepSpec.parse(s));
  }

  /**
   * The step job. Throws to retry (transient); stops the execution on a permanent failure. Several
   * jobs may name one step (a suspended step's timer and its wake-ups); the compare-and-set writes
   * of the store let one of them record it.
   */
  async runStep(job: Job<StepPayload>): Promise<void> {
    const { executionId, step } = job.payload;
    const e = await this.store.execution(executionId);
    // Already past this step (its outcome is recorded), or stopped: nothing to do.
    if (!e || e.status !== 'running' || e.next_step !== step) return;
    const specs = await this.specsOf(e);
    const spec = specs[step];
    if (!spec) {
      await this.stop(e, step, null, `Step ${step + 1} is missing from version ${e.version_id} of workflow ${e.workflow_name}.`);
      return;
    }
    const started = await this.store.markStarted(e.org_id, e.id, step, spec.kind);
    if (!started) return;
    if (spec.when) {
      const branch = await this.store.latestBranch(e.id, step);
      if (!branch || !spec.when.includes(branch)) {
        const detail = `Skipped: ${branch ? `the answer was ${branch}` : 'no earlier step chose a branch'}; this step runs on ${spec.when.join(' or ')}`;
        await this.record(e, step, specs.length, 'skipped', { detail });
        return;
      }
    }
    const runner = this.steps[spec.kind] as StepRunner | undefined;
    if (!runner) {
      await this.stop(e, step, spec.kind, `Steps of kind ${spec.kind} cannot run yet.`);
      return;
    }
    let result: StepResult;
    try {
      result = await runner.run(spec, {
        orgId: e.org_id,
        incidentId: e.incident_id,
        executionId: e.id,
        workflowName: e.workflow_name,
        actor: systemPrincipal(e.org_id, fullPermissions()),
        resumed: started.resumed,
        firstStartedAt: started.firstStartedAt,
      });
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (err instanceof PermanentStepError) {
        await this.stop(e, step, spec.kind, message);
        return;
      }
      if (job.attempts >= job.maxAttempts) {
        await this.stop(e, step, spec.kind, `Gave up after ${job.attempts} attempts: ${message}`);
        return;
      }
      await this.store.noteAttemptFailed(e.id, step, `Attempt ${job.attempts} failed, will retry: ${message}`);
      throw err;
    }
    if (result.waitUntil) {
      const until = result.waitUntil;
      await this.deps.db.transaction().execute(async (trx) => {
        // Lost to a job that recorded the step meanwhile: that one moves the execution on.
        if (!(await this.store.suspend(trx, e.id, step, result.detail, until))) return;
        // Keyed by this job: its retries re-arm one timer, an early wake-up arms its own.
        await this.enqueueStep(trx, e.org_id, e.id, step, Math.max(0, Date.parse(until) - Date.now()), `t${job.id}`);
      });
      return;
    }
    await this.record(e, step, specs.length, 'done', result);
  }

  /**
   * An event the incident's waiting steps may be waiting for (a survey answered), inside the
   * transaction that records it: each such step runs again now. `eventKey` names the event, so it
   * wakes a step once however often it is reported.
   */
  async wake(exec: AnyExec, orgId: number, incidentId: number, eventKey: string): Promise<void> {
    const kinds = Object.values(this.steps)
      .filter((r) => r?.wakeable)
      .map((r) => r!.kind);
    for (const w of await this.store.wakeable(exec, orgId, incidentId, kinds)) await this.enqueueStep(exec, orgId, w.id, w.step, 0, `wake:${eventKey}`);
  }

  /** Records a finished step and moves on (or completes), in one transaction. */
  private async record(e: ExecutionRecord, step: number, count: number, status: 'done' | 'skipped', result: StepResult): Promise<void> {
    const last = step === count - 1;
    await this.deps.db.transaction().execute(async (trx) => {
      const recorded = await this.store.finishOutcome(trx, e.id, step, {
        status,
        detail: result.detail,
        ticket_id: result.ticketId ?? null,
        branch: result.branch ?? null,
      });
      if (!recorded) return; // another worker recorded it first
      const moved = await this.store.advance(trx, e.id, step, last ? { status: 'completed', finished_at: nowIso() } : {});
      if (!moved) throw new Error(`execution ${e.id} moved past step ${step} concurrently`);
      if (result.branch)
        await this.deps.incidents.recordEvent(trx, e.org_id, e.incident_id, {
          action: 'workflow',
          summary: `Workflow ${e.workflow_name} step ${step + 1}: ${result.detail}`,
          changedBy: 'System',
          adminId: null,
        });
      if (last) {
        await this.deps.incidents.recordEvent(trx, e.org_id, e.incident_id, {
          action: 'workflow',
          summary: `Workflow ${e.workflow_name} completed`,
          changedBy: 'System',
          adminId: null,
        });
      } else await this.enqueueStep(trx, e.org_id, e.id, step + 1, result.delayNextMs);
    });
  }

  /** Stops with a visible reason: on the step, on the execution and in State Changes. */
  private async stop(e: ExecutionRecord, step: number, kind: string | null, reason: string): Promise<void> {
    await this.deps.db.transaction().execute(async (trx) => {
      if (kind) await this.store.finishOutcome(trx, e.id, step, { status: 'failed', detail: reason, ticket_id: null });
      if (!(await this.store.stop(trx, e.id, reason))) return;
      await this.deps.incidents.recordEvent(trx, e.org_id, e.incident_id, {
        action: 'workflow',
        summary: `Workflow ${e.workflow_name} stopped at step ${step + 1}: ${reason}`,
        changedBy: 'System',
        adminId: null,
      });
    });
  }
}
