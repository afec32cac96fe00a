import { ConnectorError, type CreateTicketInput, type ExternalTicket, type TicketingConnector } from '../../connectors/index.js';
import { nowIso } from '../../platform/db/database.js';
import { AppError } from '../../platform/http/errors.js';
import { RetryLater, backoffMs, type Job } from '../../platform/jobs/index.js';
import { createInput, markerOf, noteTag, noteText } from './content.js';
import type { CreateJobPayload, TicketsDeps } from './deps.js';
import type { TicketRecord, TicketsStore } from './store.js';

/**
 * How long a create sent by another (live) worker may still be in flight: the connector's request
 * timeout with a margin. ServiceNow's table API is consistent, so after this a missing marker
 * means the create never landed; Jira's search also needs the index window (config).
 */
export const IN_FLIGHT_MS = 15_000;
/** Longest wait between two searches for a marker while the window is open. */
const SEARCH_POLL_MS = 5_000;

/** A refusal proves nothing was created (a 4xx, or a 429 which means "not processed"). */
function provesNotCreated(err: unknown): boolean {
  return err instanceof ConnectorError && err.kind !== 'unavailable';
}

function isTransient(err: unknown): boolean {
  if (err instanceof ConnectorError) return err.transient;
  // Our own refusals (integration disabled or deleted) need a person; anything else (a dropped
  // database connection, a bug in a response) may pass.
  return !(err instanceof AppError);
}

/**
 * The creation job: exactly one ticket and one notes comment per request, whatever crashes,
 * restarts, outages or concurrent workers happen in between.
 *
 * 1. A ticket with an external id only needs its comment made sure of.
 * 2. Otherwise, if a create may have been sent (`create_sent_at`), search by the marker first; a
 *    hit is stored. Not found: keep searching (retry later) until the marker window has passed
 *    since it was sent — Jira's search lags new issues. Never sent: nothing to search for.
 * 3. Claim the send with a compare-and-set on `create_sent_at` (one worker wins), then send and
 *    store the answer at once. A 4xx answer proves nothing was created and clears the claim.
 */
export class CreateJob {
  constructor(
    private readonly deps: TicketsDeps,
    private readonly store: TicketsStore,
  ) {}

  async run(job: Job<CreateJobPayload>): Promise<void> {
    const orgId = job.orgId;
    if (orgId === null) return;
    const t = await this.store.get(orgId, job.payload.ticketId);
    // Gone with its incident, or superseded by a Retry (which has its own job).
    if (!t || t.runs !== job.payload.run || t.state === 'failed') return;
    try {
      if (t.external_id) {
        await this.followUp(t);
        return;
      }
      if (t.state !== 'creating') return;
      await this.create(t);
    } catch (err) {
      if (err instanceof RetryLater) throw err;
      await this.onError(t, err, job);
    }
  }

  private async create(t: TicketRecord): Promise<void> {
    const { integrations, config } = this.deps;
    const marker = markerOf(t.id);
    if (t.create_sent_at) {
      // A create may have been sent (its answer lost, or the process died with it in flight):
      // look for it before anything else.
      const connector = await integrations.connectorFor(t.org_id, t.integration_id);
      const found = await connector.findTicketByMarker(marker, t.project_key ?? undefined);
      if (found) return this.created(t, found, connector, false);
      const window = t.integration_type === 'jira_cloud' ? Math.max(config.tickets.markerWindowMs, IN_FLIGHT_MS) : IN_FLIGHT_MS;
      const searchUntil = Date.parse(t.create_sent_at) + window;
      const left = searchUntil - Date.now();
      if (left > 0) {
        throw new RetryLater(
          `A create may already have been sent; searching for ${marker} until ${new Date(searchUntil).toISOString()} before creating again.`,
          Math.min(left, SEARCH_POLL_MS),
        );
      }
      return this.send(t, marker, connector);
    }
    // No create was ever claimed for this ticket (the claim is written before any request leaves,
    // and cleared only by an answer proving nothing was created), so no ticket can carry its
    // marker: searching would cost a call and find nothing. The claim, the connector and the
    // ticket's content do not depend on each other, so they are read and written together.
    const now = nowIso();
    const [claim, connector, input] = await Promise.allSettled([
      this.store.claimCreate(t.org_id, t.id, t.runs, null, now),
      integrations.connectorFor(t.org_id, t.integration_id),
      this.input(t, marker),
    ]);
    if (claim.status === 'rejected') throw claim.reason;
    if (!claim.value) throw new RetryLater('Another worker is creating this ticket.', 2_000);
    if (connector.status === 'rejected' || input.status === 'rejected') {
      // Nothing was sent: give the claim back, so the failure does not look like a create that
      // may have landed (which would hold the next run in the marker window for nothing).
      await this.store.releaseCreate(t.org_id, t.id, t.runs, now);
      throw connector.status === 'rejected' ? connector.reason : (input as PromiseRejectedResult).reason;
    }
    return this.sendClaimed(t, now, connector.value, input.value);
  }

  /** After the marker window: claims the send with a compare-and-set on `create_sent_at` (one worker wins). */
  private async send(t: TicketRecord, marker: string, connector: TicketingConnector): Promise<void> {
    // Built before the claim: a problem here must not look like a create that may have been sent.
    const input = await this.input(t, marker);
    const now = nowIso();
    if (!(await this.store.claimCreate(t.org_id, t.id, t.runs, t.create_sent_at, now))) {
      throw new RetryLater('Another worker is creating this ticket.', 2_000);
    }
    return this.sendClaimed(t, now, connector, input);
  }

  /** Sends the create this run has claimed (at `sentAt`) and stores the answer. */
  private async sendClaimed(t: TicketRecord, sentAt: string, connector: TicketingConnector, input: CreateTicketInput): Promise<void> {
    let ticket: ExternalTicket;
    try {
      ticket = await connector.createTicket(input);
    } catch (err) {
      if (provesNotCreated(err)) await this.store.update(this.deps.db, t.org_id, t.id, { create_sent_at: null }, { run: t.runs, state: ['creating'] });
      throw err;
    }
    await this.created({ ...t, create_sent_at: sentAt }, ticket, connector, true);
  }

  private async input(t: TicketRecord, marker: string) {
    const { incidents, integrations, config } = this.deps;
    const [incident, mappings] = await Promise.all([
      incidents.detail(t.org_id, t.incident_id),
      t.project_id && t.issue_type_id ? integrations.fieldMappings(t.org_id, t.project_id, t.issue_type_id) : [],
    ]);
    return createInput(
      incident,
      {
        type: t.integration_type,
        assigneeExternalId: t.assignee_external_id,
        projectKey: t.project_key ?? undefined,
        issueTypeId: t.issue_type_id ?? undefined,
        mappings,
      },
      marker,
      config.publicUrl,
    );
  }

  /**
   * Stores what the ticketing system answered, with its State Changes entry, then the notes.
   * `ownCreate`: the ticket is the answer to this run's own create, so it is brand new and no
   * earlier run can have commented on it.
   */
  private async created(t: TicketRecord, ext: ExternalTicket, connector: TicketingConnector, ownCreate: boolean): Promise<void> {
    const now = nowIso();
    const opened: TicketRecord = { ...t, state: 'open', external_id: ext.externalId, external_key: ext.key };
    const early: { notes?: Promise<void> } = {};
    let stored: boolean;
    try {
      stored = await this.deps.db.transaction().execute(async (trx) => {
        const ok = await this.store.update(
          trx,
          t.org_id,
          t.id,
          {
            state: 'open',
            external_id: ext.externalId,
            external_key: ext.key,
            external_url: ext.url,
            external_status: ext.status.name || null,
            external_status_category: ext.status.category ?? null,
            external_assignee_id: ext.assigneeExternalId,
            failure_reason: null,
            field_errors: null,
            last_synced_at: now,
            updated_at: now,
          },
          { run: t.runs, state: ['creating'] },
        );
        if (!ok) return false;
        // Our compare-and-set won and holds the row until commit, so no other run can store this
        // ticket (and post its notes) meanwhile: the notes of a ticket we just created go out now,
        // while the State Changes entry is written. Should the transaction fail after all, the
        // ticket stays "creating" with its create claimed, and the run that finds it by its marker
        // lists its comments before posting — our tag is there.
        if (ownCreate && opened.notes && !opened.comment_posted) {
          early.notes = this.postNotes(opened, connector);
          early.notes.catch(() => {}); // awaited below, whatever the transaction does
        }
        await this.deps.incidents.ticketHooks.recordEvent(trx, t.org_id, t.incident_id, {
          action: 'ticket',
          summary: `Ticket ${ext.key} created on ${t.integration_name}, assigned to ${t.assignee_name}`,
          changedBy: 'System',
          adminId: null,
          ticket: { change: 'created', ...ticketFacts(t), key: ext.key, url: ext.url, status: ext.status.name || null },
        });
        return true;
      });
    } catch (err) {
      await early.notes?.catch(() => {});
      throw err;
    }
    if (!stored) return;
    this.deps.metrics.ticketOutcomes.inc({ integration: String(t.integration_id), system: t.integration_type, outcome: 'created' });
    if (early.notes) {
      await early.notes;
      await this.store.update(this.deps.db, t.org_id, t.id, { comment_posted: 1, updated_at: nowIso() });
      return;
    }
    await this.ensureComment(opened, connector);
  }

  /** An existing ticket: carry out a pending closed-ticket policy (reopen), then make sure of the notes. */
  private async followUp(t: TicketRecord): Promise<void> {
    if (!t.pending_action && (!t.notes || t.comment_posted)) return;
    const connector = await this.deps.integrations.connectorFor(t.org_id, t.integration_id);
    if (t.pending_action === 'reopen') {
      const current = await connector.getTicket(t.external_id!);
      // Already open again (an earlier run got this far): reopening twice would move it on.
      const ext = current && !current.closed ? current : await connector.reopenTicket(t.external_id!);
      await this.deps.db.transaction().execute(async (trx) => {
        const now = nowIso();
        const ok = await this.store.update(
          trx,
          t.org_id,
          t.id,
          {
            external_status: ext.status.name || null,
            external_status_category: ext.status.category ?? null,
            last_synced_at: now,
            updated_at: now,
            pending_action: 'comment',
          },
          { run: t.runs },
        );
        if (ok) {
          await this.deps.incidents.ticketHooks.recordEvent(trx, t.org_id, t.incident_id, {
            action: 'ticket',
            summary: `Ticket ${t.external_key} reopened on ${t.integration_name} (${ext.status.name})`,
            changedBy: 'System',
            adminId: null,
            ticket: { change: 'status', ...ticketFacts(t), status: ext.status.name || null },
          });
        }
      });
    }
    await this.ensureComment(t, connector);
    if (t.pending_action) await this.store.update(this.deps.db, t.org_id, t.id, { pending_action: null, updated_at: nowIso() }, { run: t.runs });
  }

  /** Posts the notes once: our tag in an existing comment means an earlier run already did. */
  private async ensureComment(t: TicketRecord, connector?: TicketingConnector): Promise<void> {
    if (!t.notes || t.comment_posted || !t.external_id) return;
    const c = connector ?? (await this.deps.integrations.connectorFor(t.org_id, t.integration_id));
    const tag = t.note_tag ?? noteTag(t.id);
    const existing = await c.listComments(t.external_id);
    if (!existing.some((text) => text.includes(tag))) await this.postNotes(t, c);
    await this.store.update(this.deps.db, t.org_id, t.id, { comment_posted: 1, updated_at: nowIso() });
  }

  /** Adds the notes comment, tagged so a later run can tell it is there. */
  private async postNotes(t: TicketRecord, connector: TicketingConnector): Promise<void> {
    await connector.addComment(t.external_id!, noteText(t.note_tag ?? noteTag(t.id), t.notes!, t.created_by));
  }

  private async onError(before: TicketRecord, err: unknown, job: Job<CreateJobPayload>): Promise<void> {
    // Re-read: the ticket may have been created (and only its notes failed) since the job started.
    const t = (await this.store.get(before.org_id, before.id)) ?? before;
    const message = err instanceof Error ? err.message : String(err);
    const deadline = Date.parse(t.requested_at) + this.deps.config.tickets.createDeadlineMs;
    if (isTransient(err) && Date.now() < deadline) {
      const asked = err instanceof ConnectorError ? err.opts.retryAfterMs : undefined;
      this.deps.metrics.ticketOutcomes.inc({ integration: String(t.integration_id), system: t.integration_type, outcome: 'retry_scheduled' });
      throw new RetryLater(
        message,
        Math.min(
          Math.max(asked ?? backoffMs(job.attempts, Math.random, this.deps.config.jobs.backoffBaseMs, this.deps.config.jobs.backoffMaxMs), 1_000),
          Math.max(1_000, deadline - Date.now()),
        ),
      );
    }
    const reason = isTransient(err) ? `Gave up after retrying until the deadline: ${message}` : message;
    const fieldErrors = err instanceof ConnectorError && err.opts.fieldErrors ? JSON.stringify(err.opts.fieldErrors) : null;
    if (t.external_id) {
      // The ticket exists; only the follow-up failed. A ticket that could not be reopened is closed still.
      const reopening = t.pending_action === 'reopen';
      await this.store.update(
        this.deps.db,
        t.org_id,
        t.id,
        {
          failure_reason: `${reopening ? 'The ticket could not be reopened' : 'The notes could not be added'}: ${reason}`,
          pending_action: null,
          ...(reopening ? { state: 'closed' as const, closed_at: t.closed_at ?? nowIso() } : {}),
          updated_at: nowIso(),
        },
        { run: t.runs },
      );
      return;
    }
    const now = nowIso();
    let failed = false;
    await this.deps.db.transaction().execute(async (trx) => {
      const ok = await this.store.update(
        trx,
        t.org_id,
        t.id,
        { state: 'failed', failure_reason: reason, field_errors: fieldErrors, updated_at: now },
        { run: t.runs, state: ['creating'] },
      );
      if (!ok) return;
      failed = true;
      await this.deps.incidents.ticketHooks.recordEvent(trx, t.org_id, t.incident_id, {
        action: 'ticket-failed',
        summary: `Ticket creation on ${t.integration_name} failed: ${reason}`.slice(0, 2000),
        changedBy: 'System',
        adminId: null,
      });
    });
    if (failed) this.deps.metrics.ticketOutcomes.inc({ integration: String(t.integration_id), system: t.integration_type, outcome: 'failed' });
  }
}

/** The ticket's own facts, for those who follow ticket changes (event webhooks). */
function ticketFacts(t: TicketRecord) {
  return {
    id: t.id,
    key: t.external_key,
    url: t.external_url,
    status: t.external_status,
    integrationId: t.integration_id,
    integrationName: t.integration_name,
    system: t.integration_type,
  };
}
