import { z } from 'zod';
import { emailText, secretText } from '../credential-fields.js';
import { defineSystem, type CredentialField } from '../descriptor.js';

const FIELDS = {
  email: { key: 'email', label: 'Account email', secret: false, placeholder: 'integration@example.com' },
  apiToken: { key: 'apiToken', label: 'API token', secret: true },
} as const satisfies Record<string, CredentialField>;

/** Jira Cloud: issues through the platform REST API v3, with an account email and API token. */
export const JIRA_CLOUD = defineSystem({
  type: 'jira_cloud',
  label: 'JiraCloud',
  name: 'Jira Cloud',
  credentials: {
    schema: z.strictObject({ email: emailText(FIELDS.email.label), apiToken: secretText(FIELDS.apiToken.label) }),
    authMethods: [{ value: 'api_token', label: 'API token' }],
    fields: [FIELDS.email, FIELDS.apiToken],
    summary: 'an account email and API token',
  },
  contact: { schema: {}, fields: [] },
  capabilities: {
    projects: true,
    fieldMappings: true,
    // Labels cannot contain spaces and are searchable with JQL (`labels = "wfa-12"`).
    marker: { field: 'labels', description: 'a label on the issue' },
    webhooks: null,
  },
  users: { usernameNote: 'Jira Cloud has no usernames; this is the Atlassian account ID.' },
  setup: {
    editTitle: 'Jira Integration',
    blurb: 'Create Jira Cloud issues from DLP incidents, mapped to each project’s required fields.',
    steps: [
      'In Atlassian, use an account that can browse users and create issues in the projects you want to use.',
      'Create an API token for that account at id.atlassian.com > Security > API tokens.',
      'Here, click "Connect Account" and enter a unique tenant name, your Atlassian site URL (for example https://your-company.atlassian.net), the account email and the API token.',
      'The projects are pulled in at once. Expand the account, set each project’s Complete Status and map its required fields; Auto Sync needs a mapping and the Labels field.',
    ],
    baseUrl: { label: 'Atlassian site URL', placeholder: 'https://your-company.atlassian.net' },
    namePlaceholder: 'jira-prod',
  },
});
