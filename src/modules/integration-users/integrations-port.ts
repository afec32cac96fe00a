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

type IntegrationView = { id: number; type: IntegrationType; name: string; enabled: boolean; status: string };

/**
 * Adapts the integrations module's service. Its `summaries`/`summary` (id, type, name, enabled,
 * status, without the Jira project counts `list`/`get` add) are preferred: the list reads them on
 * every request and Add User once; `list`/`get` remain the fallback.
 */
export function integrationsPort(svc: {
  get(orgId: number, id: number): Promise<IntegrationView>;
  list(orgId: number): Promise<IntegrationView[]>;
  summary?(orgId: number, id: number): Promise<IntegrationRef | null>;
  summaries?(orgId: number): Promise<IntegrationRef[]>;
  connectorFor(orgId: number, id: number): Promise<TicketingConnector>;
}): IntegrationsPort {
  const ref = (v: IntegrationView): IntegrationRef => ({ id: v.id, type: v.type, name: v.name, enabled: v.enabled, status: v.status });
  return {
    async get(orgId, id) {
      if (svc.summary) return svc.summary(orgId, id);
      try {
        return ref(await svc.get(orgId, id));
      } catch (err) {
        if ((err as { statusCode?: number }).statusCode === 404) return null;
        throw err;
      }
    },
    list: async (orgId) => (svc.summaries ? svc.summaries(orgId) : (await svc.list(orgId)).map(ref)),
    connectorFor: (orgId, id) => svc.connectorFor(orgId, id),
  };
}
