import { Badge } from '@mantine/core';
import type { IntegrationView, JiraProjectView, MappingView } from '../../../../src/modules/integrations/schemas';

export type { IntegrationView, JiraProjectView, MappingView };
export type AppKey = 'servicenow' | 'jira_cloud';

/** The ticketing apps of Setup > Integrations and how they are described. */
export const APPS: Record<AppKey, { title: string; editTitle: string; blurb: string; steps: string[] }> = {
  servicenow: {
    title: 'ServiceNow',
    editTitle: 'ServiceNow Integration',
    blurb: 'Create ServiceNow incidents from DLP incidents and follow them until they are closed.',
    steps: [
      'In ServiceNow, create an integration account (User ID and password) that can read sys_user and create and update incidents (roles itil and rest_api_explorer, or equivalent).',
      'For OAuth 2.0: activate the OAuth 2.0 plugin, set com.snc.platform.security.oauth.is.active to true, and create an OAuth API endpoint for external clients (System OAuth > Application Registry). Note its Client ID and Client Secret. Consider raising the refresh token lifespan: when it expires, the integration must be re-authorized.',
      'Here, click "Connect Account" and enter a unique tenant name, the Instance URL (for example https://your-instance.service-now.com), the authentication method and credentials, and the ServiceNow Admin Email ID.',
      'The credentials are checked against ServiceNow before they are saved. Then add Integration Users, the people tickets can be assigned to.',
    ],
  },
  jira_cloud: {
    title: 'Jira Cloud',
    editTitle: 'Jira Integration',
    blurb: 'Create Jira Cloud issues from DLP incidents, mapped to each project’s required fields.',
    steps: [
      'In Atlassian, use an account that can browse users and create issues in the projects you want to use.',
      'Create an API token for that account at id.atlassian.com > Security > API tokens.',
      'Here, click "Connect Account" and enter a unique tenant name, your Atlassian site URL (for example https://your-company.atlassian.net), the account email and the API token.',
      'The projects are pulled in at once. Expand the account, set each project’s Complete Status and map its required fields; Auto Sync needs a mapping and the Labels field.',
    ],
  },
};

export function isAppKey(v: string | undefined): v is AppKey {
  return v === 'servicenow' || v === 'jira_cloud';
}

const STATUS_COLORS: Record<IntegrationView['status'], string> = {
  Active: 'green',
  Inactive: 'gray',
  'Validation Failed': 'red',
  'Reauthorization Required': 'orange',
  Deleted: 'dark',
};

/** Enabled / Disabled, or the problem or "Deleted" the API reports as the status. */
export function StatusBadge({ integration }: { integration: Pick<IntegrationView, 'status' | 'enabled'> }) {
  const label = integration.status === 'Active' ? 'Enabled' : integration.status === 'Inactive' ? 'Disabled' : integration.status;
  return (
    <Badge color={STATUS_COLORS[integration.status]} variant="light" title={`Status: ${integration.status}`}>
      {label}
    </Badge>
  );
}
