import { descriptorOf } from '../../connectors/descriptors.js';
import type { Kysely, Transaction } from 'kysely';
import { ConnectorError, type ExternalUser, type TicketingConnector } from '../../connectors/types.js';
import { nowIso } from '../../platform/db/database.js';
import { isUniqueViolation } from '../../platform/db/errors.js';
import type { IntegrationUsersTables as DB } from './tables.js';
import { AppError, badRequest, notFound } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import { integrationPath, isTicketing, type IntegrationRef, type IntegrationsPort } from './integrations-port.js';
import { type LookupInput, type LookupOutcome, type LookupResult, type UserView } from './schemas.js';
import type { IntegrationUsersStore, UserRecord } from './store.js';
import { AUDIT, refView, userView } from './user-view.js';

/** What the ticketing system said about an email (or why it could not say). */
export type Resolved =
  | { outcome: 'found'; user: ExternalUser }
  | { outcome: 'inactive'; user: ExternalUser }
  | { outcome: 'not_found' }
  | { outcome: 'ambiguous'; count: number }
  | { outcome: 'email_hidden'; candidates: number }
  | { outcome: 'already_added'; existing: UserRecord }
  | { outcome: 'unreachable' | 'credentials_refused'; reason: string };

const REFUSAL_STATUS: Record<Exclude<LookupOutcome, 'found'>, number> = {
  not_found: 422,
  inactive: 422,
  ambiguous: 422,
  email_hidden: 422,
  already_added: 409,
  unreachable: 502,
  credentials_refused: 502,
};

/** A failed call to the ticketing system as an outcome; our own 404 (integration gone) is thrown. */
export function connectorFailure(err: unknown): Resolved {
  if (err instanceof ConnectorError) {
    return { outcome: err.kind === 'auth' || err.kind === 'forbidden' ? 'credentials_refused' : 'unreachable', reason: err.message };
  }
  if (err instanceof AppError) {
    if (err.statusCode === 404) throw err;
    return { outcome: 'credentials_refused', reason: err.message };
  }
  return { outcome: 'unreachable', reason: err instanceof Error ? err.message : String(err) };
}

/** Look up a person by email in a ticketing system, and Add User (which looks them up again). */
export class UserLookup {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly store: IntegrationUsersStore,
    private readonly audit: AuditRecorder,
    private readonly integrations: () => IntegrationsPort,
  ) {}

  private async integrationFor(orgId: number, integrationId: number): Promise<IntegrationRef> {
    const ref = await this.integrations().summary(orgId, integrationId);
    if (!ref || !isTicketing(ref)) throw notFound('Integration');
    if (!ref.enabled)
      throw badRequest(`The integration "${ref.name}" is disabled. Enable it on its page before adding or checking integration users.`, {
        integrationPath: integrationPath(ref.type, ref.id),
      });
    return ref;
  }

  /**
   * Asks the ticketing system; never throws for the system's answers or failures, only for our own
   * errors. `connector`: a shared one (an import's cache); by default this integration's own.
   */
  async resolve(orgId: number, ref: IntegrationRef, email: string, connector?: () => Promise<TicketingConnector>): Promise<Resolved> {
    const existing = await this.store.byEmail(orgId, ref.id, email.toLowerCase());
    if (existing && !existing.removed_at) return { outcome: 'already_added', existing };
    try {
      const c = connector ? await connector() : await this.integrations().connectorFor(orgId, ref.id, { interactive: true });
      const r = await c.lookupUserByEmail(email);
      switch (r.outcome) {
        case 'found':
          return { outcome: 'found', user: r.user };
        case 'inactive':
          return { outcome: 'inactive', user: r.user };
        case 'not_found':
          return { outcome: 'not_found' };
        case 'ambiguous':
          return { outcome: 'ambiguous', count: r.count };
        case 'email_hidden':
          return { outcome: 'email_hidden', candidates: r.candidates };
      }
    } catch (err) {
      return connectorFailure(err);
    }
  }

  /** What an outcome means for the admin, and what to do about it. */
  message(ref: IntegrationRef, email: string, r: Resolved): string {
    const sys = descriptorOf(ref.type).name;
    const where = `${sys} integration "${ref.name}"`;
    const end = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);
    switch (r.outcome) {
      case 'found':
        return `Found ${r.user.name} in ${where}. Click Add User to add them.`;
      case 'not_found':
        return `No user with the email ${email} exists in ${where}. Only people who exist in the selected ticketing system can be added; check the address or pick another Integration.`;
      case 'inactive':
        return `${r.user.name} (${email}) is inactive in ${where}. Inactive users cannot be assigned tickets, so they cannot be added; reactivate them in ${sys} first.`;
      case 'ambiguous':
        return `${r.count} users in ${where} have the email ${email}, so it is not clear which person tickets should go to. Give each of them a unique email in ${sys}, then try again.`;
      case 'email_hidden':
        return `${where} has a user matching ${email}, but their profile hides the email address, so we cannot confirm it is the right person. Ask them (or a site admin) to make the email visible in their Atlassian profile, then try again.`;
      case 'already_added':
        return `${r.existing.email} is already added for ${where} as ${r.existing.name}.`;
      case 'unreachable':
        return `Could not reach ${where}: ${end(r.reason)} Try again in a moment; if it keeps failing, check the integration on its page.`;
      case 'credentials_refused':
        return `${where} refused our credentials: ${end(r.reason)} Update the credentials on the integration's page.`;
    }
  }

  private result(ref: IntegrationRef, email: string, r: Resolved): LookupResult {
    const user = r.outcome === 'found' || r.outcome === 'inactive' ? r.user : null;
    return {
      outcome: r.outcome,
      message: this.message(ref, email, r),
      addable: r.outcome === 'found',
      email,
      user: user
        ? { name: user.name, username: user.username, externalId: user.externalId, email: user.email }
        : r.outcome === 'already_added'
          ? { name: r.existing.name, username: r.existing.username, externalId: r.existing.external_id, email: r.existing.email }
          : null,
      integration: refView(ref),
      existingId: r.outcome === 'already_added' ? r.existing.id : null,
    };
  }

  lookup = async (actor: Principal, input: LookupInput): Promise<LookupResult> => {
    const ref = await this.integrationFor(actor.orgId, input.integrationId);
    return this.result(ref, input.email, await this.resolve(actor.orgId, ref, input.email));
  };

  /** Stores a found user; throws the already-added conflict when the row exists (unique index). */
  async insertFound(trx: Transaction<DB>, actor: Principal, ref: IntegrationRef, email: string, user: ExternalUser, createdBy: string): Promise<UserRecord> {
    const now = nowIso();
    const emailLower = email.toLowerCase();
    const row = {
      email: user.email ?? email,
      email_lower: emailLower,
      name: user.name,
      username: user.username,
      external_id: user.externalId,
      active_in_system: 1,
      status: 'active' as const,
      last_verified_at: now,
      last_verify_error: null,
      created_by: createdBy,
      created_at: now,
      updated_at: now,
    };
    const dup = () =>
      this.refusal(ref, email, { outcome: 'already_added', existing: { ...row, id: 0, org_id: actor.orgId, integration_id: ref.id, removed_at: null } });
    const existing = await this.store.byEmail(actor.orgId, ref.id, emailLower, trx);
    let id: number;
    if (existing) {
      if (!existing.removed_at || !(await this.store.revive(trx, actor.orgId, existing.id, row))) throw dup();
      id = existing.id;
    } else {
      try {
        id = await this.store.insert(trx, { ...row, org_id: actor.orgId, integration_id: ref.id, removed_at: null });
      } catch (err) {
        if (isUniqueViolation(err)) throw dup();
        throw err;
      }
    }
    await this.audit.record(trx, actor, {
      action: existing ? 'Update' : 'Insert',
      module: AUDIT.module,
      resource: AUDIT.resource,
      resourceId: id,
      notes: `Added integration user ${row.email} (${user.name}) for ${descriptorOf(ref.type).label} integration ${ref.name}`,
      after: {
        email: row.email,
        name: user.name,
        username: user.username,
        externalId: user.externalId,
        integration: ref.name,
        integrationType: descriptorOf(ref.type).label,
      },
    });
    // Exactly what the insert or revive wrote, so the caller need not read it back.
    return { ...row, id, org_id: actor.orgId, integration_id: ref.id, removed_at: null };
  }

  private refusal(ref: IntegrationRef, email: string, r: Exclude<Resolved, { outcome: 'found' }>): AppError {
    return new AppError(REFUSAL_STATUS[r.outcome], r.outcome, this.message(ref, email, r), {
      outcome: r.outcome,
      integrationPath: integrationPath(ref.type, ref.id),
    });
  }

  /** Add User: the lookup is done again here; nothing the client says about the person is trusted. */
  add = async (actor: Principal, input: LookupInput): Promise<UserView> => {
    const ref = await this.integrationFor(actor.orgId, input.integrationId);
    const r = await this.resolve(actor.orgId, ref, input.email);
    if (r.outcome !== 'found') throw this.refusal(ref, input.email, r);
    const rec = await this.db.transaction().execute((trx) => this.insertFound(trx, actor, ref, input.email, r.user, actor.label));
    return userView(rec, new Map([[ref.id, ref]]));
  };
}
