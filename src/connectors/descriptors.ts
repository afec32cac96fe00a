import type { SystemDescriptor } from './descriptor.js';
import { JIRA_CLOUD } from './jira-cloud/descriptor.js';
import { SERVICENOW } from './servicenow/descriptor.js';
import { ConnectorError, INTEGRATION_TYPES, type IntegrationType, type TicketingConnector } from './types.js';

export type { AuthMethod, ContactField, CredentialField, SystemDescriptor } from './descriptor.js';
export { INTEGRATION_TYPES, type IntegrationType } from './types.js';
export { JIRA_CLOUD, SERVICENOW };

/*
 * Plain data and zod schemas only (no connector code), so the web app can import this file.
 */

const BY_TYPE: { [T in IntegrationType]: SystemDescriptor<T> } = { servicenow: SERVICENOW, jira_cloud: JIRA_CLOUD };

/** Every ticketing system, in the order the product lists them. */
export const SYSTEMS: readonly SystemDescriptor[] = INTEGRATION_TYPES.map((t) => BY_TYPE[t]);

export function descriptorOf(type: IntegrationType): SystemDescriptor {
  return BY_TYPE[type];
}

/** True for a type a ticketing descriptor exists for (a URL segment, a stored type, a filter value). */
export function isIntegrationType(value: unknown): value is IntegrationType {
  return typeof value === 'string' && Object.hasOwn(BY_TYPE, value);
}

/** The keys a system's credentials may carry: its fields, and `authMethod` where there is a choice. */
export function credentialKeysOf(d: SystemDescriptor): string[] {
  return [...(d.credentials.authMethods.length > 1 ? ['authMethod'] : []), ...d.credentials.fields.map((f) => f.key)];
}

type Capability = 'projects' | 'fieldMappings';

/** The systems' names joined for a sentence: "ServiceNow or Jira Cloud", or only those with a capability. */
export function systemNames(joiner: 'or' | 'and' = 'or', capability?: Capability): string {
  const names = SYSTEMS.filter((d) => !capability || d.capabilities[capability]).map((d) => d.name);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} ${joiner} ${names[names.length - 1]}` : (names[0] ?? '');
}

type ProjectCatalog = Required<Pick<TicketingConnector, 'listProjects' | 'getFields'>>;

/**
 * A connector's project catalogue, for a system whose descriptor declares projects and field
 * mappings. Callers check the descriptor first and refuse with their own message; this is the net.
 */
export function projectCatalogOf(connector: TicketingConnector): ProjectCatalog {
  const d = descriptorOf(connector.type);
  const { listProjects, getFields } = connector;
  if (!d.capabilities.projects || !d.capabilities.fieldMappings || !listProjects || !getFields) {
    throw new ConnectorError('invalid', `${d.name} integrations have no projects.`);
  }
  return {
    listProjects: () => listProjects.call(connector),
    getFields: (projectKey, issueTypeId) => getFields.call(connector, projectKey, issueTypeId),
  };
}
