import type { IntegrationType, TicketingConnector } from '../../connectors/types.js';

/**
 * What this module needs from the integrations module. Kept narrow so the integration-users code
 * does not depend on the shape of IntegrationsService's views; `app-context.ts` adapts the real
 * service to it.
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
  get(orgId: number, id: number): Promise<IntegrationRef | null>;
  list(orgId: number): Promise<IntegrationRef[]>;
  /** A connector with the integration's stored credentials and health tracking. */
  connectorFor(orgId: number, id: number): Promise<TicketingConnector>;
}

/** The integration's page in the web app, where its credentials and status are fixed. */
export function integrationPath(type: IntegrationType, id: number): string {
  return `/setup/integrations/${type}/${id}`;
}

/** Adapts the integrations module's service; its summaries skip the Jira project counts the list does not need. */
export function integrationsPort(svc: {
  summary(orgId: number, id: number): Promise<IntegrationRef | null>;
  summaries(orgId: number): Promise<IntegrationRef[]>;
  connectorFor(orgId: number, id: number): Promise<TicketingConnector>;
}): IntegrationsPort {
  return {
    get: (orgId, id) => svc.summary(orgId, id),
    list: (orgId) => svc.summaries(orgId),
    connectorFor: (orgId, id) => svc.connectorFor(orgId, id),
  };
}
