import { isIntegrationType } from '../../connectors/descriptors.js';
import type { IntegrationType, TicketingConnector } from '../../connectors/types.js';

/**
 * What this module needs from the integrations module, kept narrow so the integration-users code
 * does not depend on the shape of IntegrationsService's views. The integrations service is one as
 * it is (no adapter in between): a lookup's email goes from here straight to its connector.
 */
export type IntegrationRef = {
  id: number;
  type: IntegrationType;
  /** Tenant name: the "Integration" column. */
  name: string;
  enabled: boolean;
  status: string;
};

export interface IntegrationsPort {
  /** null when the org has no such integration (another org's id included). */
  summary(orgId: number, id: number): Promise<IntegrationRef | null>;
  /** The org's integrations, without the project counts the list does not need. */
  summaries(orgId: number): Promise<IntegrationRef[]>;
  /**
   * A connector with the integration's stored credentials and health tracking; `interactive`: a
   * person is waiting, so all of its calls share one deadline instead of retrying at length.
   */
  connectorFor(orgId: number, id: number, opts?: { interactive?: boolean }): Promise<TicketingConnector>;
}

/** The integration's page in the web app, where its credentials and status are fixed. */
export function integrationPath(type: IntegrationType, id: number): string {
  return `/setup/integrations/${type}/${id}`;
}

/** Integration users belong to ticketing integrations only. */
export function isTicketing(r: IntegrationRef): boolean {
  return isIntegrationType(r.type);
}

/** The org's integrations by id. */
export async function refsById(port: IntegrationsPort, orgId: number): Promise<Map<number, IntegrationRef>> {
  return new Map((await port.summaries(orgId)).map((r) => [r.id, r]));
}

/**
 * Connectors of one org, each built once on first use: a run over many users (verify, import)
 * decrypts an integration's credentials once, not per user.
 */
export function connectorCache(port: IntegrationsPort, orgId: number): (integrationId: number) => () => Promise<TicketingConnector> {
  const cache = new Map<number, Promise<TicketingConnector>>();
  return (integrationId) => () => {
    let p = cache.get(integrationId);
    if (!p) {
      p = port.connectorFor(orgId, integrationId);
      cache.set(integrationId, p);
    }
    return p;
  };
}
