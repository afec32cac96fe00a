import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import {
  ConnectorError,
  createConnector,
  descriptorOf,
  INTERACTIVE_DEADLINE_MS,
  type Connection,
  type ConnectorOptions,
  type OAuthTokens,
  type TicketingConnector,
} from '../../connectors/index.js';
import type { IntegrationsTables } from './tables.js';
import { badGateway, conflict, unprocessable } from '../../platform/http/errors.js';
import type { Metrics } from '../../platform/metrics.js';
import type { SecretBox } from '../../platform/secrets.js';
import { withoutTokens, type StoredCredentials } from './credentials.js';
import type { IntegrationHealth } from './health.js';
import { requireIntegration } from './lookups.js';
import type { IntegrationRecord, IntegrationsStore } from './store.js';

/** A connector failure as an API error whose message tells the admin what to fix. */
export function connectorFailure(err: unknown): unknown {
  if (!(err instanceof ConnectorError)) return err;
  // Connector messages say what failed, not what happens next: an interactive caller is told to retry.
  if (err.transient) return badGateway(`${err.message} Try again in a moment.`, { kind: err.kind });
  return unprocessable(err.message, { kind: err.kind, ...(err.opts.fieldErrors ? { fieldErrors: err.opts.fieldErrors } : {}) });
}

/** Stored credentials are the connector's own (written by connect for this type), so the pairing holds. */
function connectionOf(type: IntegrationRecord['type'], baseUrl: string, creds: StoredCredentials): Connection {
  return { type, baseUrl, credentials: creds } as Connection;
}

/** Connectors built from stored integrations: credentials opened, refreshed tokens sealed back, calls fed to health. */
export class IntegrationConnectors {
  /** Test seam and tuning: merged into every connector's options (e.g. a no-wait `sleep`). */
  overrides: Partial<ConnectorOptions> = {};

  constructor(
    private readonly db: Kysely<IntegrationsTables>,
    private readonly store: IntegrationsStore,
    private readonly secrets: SecretBox,
    private readonly health: IntegrationHealth,
    private readonly config: Pick<Config, 'allowPrivateTargets'>,
    private readonly metrics: Pick<Metrics, 'connectorCalls'>,
  ) {}

  /**
   * A connector for an integration with its decrypted credentials. Refreshed OAuth tokens are
   * stored (sealed) and every call's outcome feeds the integration's health. A disabled
   * integration is refused unless `allowDisabled`.
   */
  async connectorFor(
    orgId: number,
    id: number,
    opts: { allowDisabled?: boolean; freshGrant?: boolean; interactive?: boolean } = {},
  ): Promise<TicketingConnector> {
    const r = await requireIntegration(this.store, orgId, id);
    if (!r.enabled && !opts.allowDisabled) {
      throw conflict(`The ${descriptorOf(r.type).label} integration ${r.name} is disabled. Enable it on Setup > Integrations first.`);
    }
    let creds = this.secrets.openJson<StoredCredentials>(r.credentials);
    if (opts.freshGrant) creds = withoutTokens(creds);
    return this.create(r.type, r.base_url, creds, {
      onTokens: (tokens) => this.storeTokens(orgId, id, tokens),
      onCallResult: (ok, error) => this.health.track(orgId, id, ok, error),
      ...(opts.interactive ? { deadlineMs: INTERACTIVE_DEADLINE_MS } : {}),
    });
  }

  /**
   * One call through an integration's connector, answered only once its health write has landed,
   * so the integration's page agrees with the answer. A failure becomes an API error.
   */
  async settledCall<T>(id: number, call: () => Promise<T>): Promise<T> {
    let result: T;
    try {
      result = await call();
    } catch (err) {
      await this.health.settled(id);
      throw connectorFailure(err);
    }
    await this.health.settled(id);
    return result;
  }

  /** Checks credentials that are not stored yet; a failure becomes an API error and nothing is saved. */
  async verifyCandidate(type: IntegrationRecord['type'], baseUrl: string, creds: StoredCredentials): Promise<{ accountName: string; tokens?: OAuthTokens }> {
    let tokens: OAuthTokens | undefined;
    const connector = this.create(type, baseUrl, creds, {
      onTokens: async (t) => {
        tokens = t;
      },
      deadlineMs: INTERACTIVE_DEADLINE_MS,
    });
    try {
      const { accountName } = await connector.verify();
      return { accountName, tokens };
    } catch (err) {
      // Nothing retries a connect form later: tell the admin what to check instead.
      if (err instanceof ConnectorError && err.transient) {
        // The message says what failed; a DNS failure already says to check the URL.
        const advice = /check the URL/i.test(err.message) ? 'Then try again.' : 'Check the URL and that this server can reach it, then try again.';
        throw badGateway(`${err.message} ${advice}`, { kind: err.kind });
      }
      throw connectorFailure(err);
    }
  }

  /**
   * Checks an integration's stored credentials without feeding health: the caller (enabling)
   * sets the status from the answer itself. Throws the ConnectorError as is.
   */
  async verifyStored(r: IntegrationRecord): Promise<void> {
    const creds = this.secrets.openJson<StoredCredentials>(r.credentials);
    await this.create(r.type, r.base_url, creds, { onTokens: (tokens) => this.storeTokens(r.org_id, r.id, tokens) }).verify();
  }

  private create(
    type: IntegrationRecord['type'],
    baseUrl: string,
    creds: StoredCredentials,
    hooks: Pick<ConnectorOptions, 'onTokens' | 'onCallResult' | 'deadlineMs'>,
  ): TicketingConnector {
    return createConnector(connectionOf(type, baseUrl, creds), {
      allowPrivateTargets: this.config.allowPrivateTargets,
      ...this.overrides,
      ...hooks,
      // Every call is counted for /metrics, then reported to whoever asked (health).
      onCallResult: (ok, error) => {
        const status = ok ? '2xx' : error?.opts.status ? String(error.opts.status) : 'none';
        this.metrics.connectorCalls.inc({ system: type, outcome: ok ? 'ok' : (error?.kind ?? 'error'), status });
        hooks.onCallResult?.(ok, error);
      },
    });
  }

  private async storeTokens(orgId: number, id: number, tokens: OAuthTokens): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const r = await this.store.get(orgId, id, trx);
      if (!r) return;
      const creds = this.secrets.openJson<StoredCredentials>(r.credentials);
      if (!('authMethod' in creds) || creds.authMethod !== 'oauth') return;
      await this.store.update(trx, orgId, id, { credentials: this.secrets.sealJson({ ...creds, ...tokens }) });
    });
  }
}
