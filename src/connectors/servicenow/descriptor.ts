import { z } from 'zod';
import { emailText, plainText, secretText } from '../credential-fields.js';
import { defineSystem, type CredentialField } from '../descriptor.js';

const FIELDS = {
  clientId: { key: 'clientId', label: 'Client ID', secret: false, only: ['oauth'] },
  clientSecret: { key: 'clientSecret', label: 'Client Secret', secret: true, only: ['oauth'] },
  username: { key: 'username', label: 'User ID', secret: false },
  password: { key: 'password', label: 'User Password', secret: true },
} as const satisfies Record<string, CredentialField>;

const ADMIN_EMAIL = { key: 'adminEmail', label: 'Admin Email ID', placeholder: 'servicenow.admin@example.com' } as const;

/** ServiceNow: incidents through the Table API, with Basic auth or the OAuth 2.0 password grant. */
export const SERVICENOW = defineSystem({
  type: 'servicenow',
  label: 'ServiceNow',
  name: 'ServiceNow',
  credentials: {
    schema: z.discriminatedUnion('authMethod', [
      z.strictObject({ authMethod: z.literal('basic'), username: plainText(FIELDS.username.label), password: secretText(FIELDS.password.label) }),
      z.strictObject({
        authMethod: z.literal('oauth'),
        clientId: plainText(FIELDS.clientId.label),
        clientSecret: secretText(FIELDS.clientSecret.label),
        username: plainText(FIELDS.username.label),
        password: secretText(FIELDS.password.label),
      }),
    ]),
    authMethods: [
      { value: 'basic', label: 'Basic' },
      { value: 'oauth', label: 'OAuth 2.0' },
    ],
    fields: [FIELDS.clientId, FIELDS.clientSecret, FIELDS.username, FIELDS.password],
    summary: 'a user ID and password (and an OAuth client)',
  },
  contact: { schema: { adminEmail: emailText(ADMIN_EMAIL.label).optional() }, fields: [ADMIN_EMAIL] },
  capabilities: {
    // Incidents live in one table: no projects, and the fields we send are fixed.
    projects: false,
    fieldMappings: false,
    marker: { field: 'correlation_id', description: 'the incident’s Correlation ID' },
    webhooks: null,
  },
  users: { usernameNote: null },
  setup: {
    editTitle: 'ServiceNow Integration',
    blurb: 'Create ServiceNow incidents from DLP incidents and follow them until they are closed.',
    steps: [
      'In ServiceNow, create an integration account (User ID and password) that can read sys_user and create and update incidents (roles itil and rest_api_explorer, or equivalent).',
      'For OAuth 2.0: activate the OAuth 2.0 plugin, set com.snc.platform.security.oauth.is.active to true, and create an OAuth API endpoint for external clients (System OAuth > Application Registry). Note its Client ID and Client Secret. Consider raising the refresh token lifespan: when it expires, the integration must be re-authorized.',
      'Here, click "Connect Account" and enter a unique tenant name, the Instance URL (for example https://your-instance.service-now.com), the authentication method and credentials, and the ServiceNow Admin Email ID.',
      'The credentials are checked against ServiceNow before they are saved. Then add Integration Users, the people tickets can be assigned to.',
    ],
    baseUrl: { label: 'Instance URL', placeholder: 'https://your-instance.service-now.com' },
    namePlaceholder: 'snowtest',
  },
});
