import { JiraCloudConnector } from './jira-cloud/connector.js';
import { ServiceNowConnector } from './servicenow/connector.js';
import type { Connection, ConnectorOptions, TicketingConnector } from './types.js';

export * from './types.js';
export * from './descriptors.js';
export { INTERACTIVE_DEADLINE_MS } from './limits.js';
export { JiraCloudConnector, jiraIssueBody } from './jira-cloud/connector.js';
export { ServiceNowConnector, serviceNowIncidentBody } from './servicenow/connector.js';

/** The one place that knows which client serves which integration type. */
export function createConnector(connection: Connection, opts: ConnectorOptions): TicketingConnector {
  switch (connection.type) {
    case 'servicenow':
      return new ServiceNowConnector(connection.baseUrl, connection.credentials, opts);
    case 'jira_cloud':
      return new JiraCloudConnector(connection.baseUrl, connection.credentials, opts);
  }
}
