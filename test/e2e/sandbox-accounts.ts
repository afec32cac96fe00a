/**
 * Connects the sandbox's ServiceNow and Jira Cloud as integrations through the API, the way the
 * browser tests set up their world (the server runs with WFA_ALLOW_PRIVATE_TARGETS).
 */
import type { Sandbox } from '../../src/sandbox/index.js';
import type { ApiClient } from './harness.js';

export function connectServiceNow(api: ApiClient, sb: Sandbox, name: string, extra: Record<string, unknown> = {}): Promise<{ id: number }> {
  return api.post<{ id: number }>('/integrations', {
    type: 'servicenow',
    name,
    baseUrl: sb.servicenowUrl,
    credentials: { authMethod: 'basic', ...sb.credentials.servicenow.basic },
    ...extra,
  });
}

export function connectJira(api: ApiClient, sb: Sandbox, name: string, extra: Record<string, unknown> = {}): Promise<{ id: number }> {
  return api.post<{ id: number }>('/integrations', {
    type: 'jira_cloud',
    name,
    baseUrl: sb.jiraUrl,
    credentials: { email: sb.credentials.jira.email, apiToken: sb.credentials.jira.apiToken },
    ...extra,
  });
}
