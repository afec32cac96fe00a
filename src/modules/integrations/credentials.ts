import type { JiraCredentials, OAuthTokens, ServiceNowCredentials } from '../../connectors/index.js';
import { badRequest } from '../../platform/http/errors.js';
import type { UpdateInput } from './schemas.js';
import type { IntegrationRecord } from './store.js';
import { nonBlank } from './text.js';

/** What `integrations.credentials` holds once opened: the connector's credentials, OAuth tokens included. */
export type StoredCredentials = ServiceNowCredentials | JiraCredentials;
export type AccountInfo = { username?: string | null; email?: string | null; clientId?: string | null; adminEmail?: string | null };

type OAuthCredentials = Extract<ServiceNowCredentials, { authMethod: 'oauth' }>;
const isOAuth = (creds: StoredCredentials): creds is OAuthCredentials => 'authMethod' in creds && creds.authMethod === 'oauth';

/** The same credentials without OAuth tokens, so the next call asks for a new grant. */
export function withoutTokens(creds: StoredCredentials): StoredCredentials {
  return isOAuth(creds) ? { ...creds, accessToken: undefined, refreshToken: undefined, accessTokenExpiresAt: undefined } : creds;
}

/** Keeps the tokens a verification was granted, so the first real call does not need another grant. */
export function withTokens(creds: StoredCredentials, tokens: OAuthTokens | undefined): StoredCredentials {
  return tokens && isOAuth(creds) ? { ...creds, ...tokens } : creds;
}

/** The API never sees a secret: only identifiers an admin typed in plain sight. */
export function accountInfoOf(type: IntegrationRecord['type'], creds: StoredCredentials, adminEmail?: string | null): AccountInfo {
  if (type === 'jira_cloud') return { email: (creds as JiraCredentials).email };
  const sn = creds as ServiceNowCredentials;
  return { username: sn.username, clientId: sn.authMethod === 'oauth' ? sn.clientId : null, adminEmail: adminEmail ?? null };
}

export function authMethodOf(type: IntegrationRecord['type'], creds: StoredCredentials): IntegrationRecord['auth_method'] {
  return type === 'jira_cloud' ? 'api_token' : (creds as ServiceNowCredentials).authMethod;
}

export function normaliseUrl(url: string): string {
  return url.trim().replace(/\/+$/, '');
}

/** The edit form's credentials over the stored ones; `changed` says whether they must be verified again. */
export function mergeCredentials(
  type: IntegrationRecord['type'],
  stored: StoredCredentials,
  input: NonNullable<UpdateInput['credentials']>,
): { credentials: StoredCredentials; changed: boolean } {
  if (type === 'jira_cloud') {
    for (const k of ['authMethod', 'username', 'password', 'clientId', 'clientSecret'] as const) {
      if (nonBlank(input[k])) throw badRequest(`A Jira Cloud integration uses an account email and API token; ${k} does not apply.`);
    }
    const s = stored as JiraCredentials;
    const next: JiraCredentials = { email: nonBlank(input.email)?.trim() ?? s.email, apiToken: nonBlank(input.apiToken) ?? s.apiToken };
    if (nonBlank(input.email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(next.email)) throw badRequest('Enter a valid account email, such as jane@example.com.');
    return { credentials: next, changed: next.email !== s.email || next.apiToken !== s.apiToken };
  }
  for (const k of ['email', 'apiToken'] as const) {
    if (nonBlank(input[k])) throw badRequest(`A ServiceNow integration uses a user ID and password (and an OAuth client); ${k} does not apply.`);
  }
  const s = stored as ServiceNowCredentials;
  const method = input.authMethod ?? s.authMethod;
  const username = nonBlank(input.username)?.trim() ?? s.username;
  const password = nonBlank(input.password) ?? s.password;
  if (method === 'basic') {
    const next: ServiceNowCredentials = { authMethod: 'basic', username, password };
    return { credentials: next, changed: s.authMethod !== 'basic' || username !== s.username || password !== s.password };
  }
  const clientId = nonBlank(input.clientId)?.trim() ?? (s.authMethod === 'oauth' ? s.clientId : undefined);
  const clientSecret = nonBlank(input.clientSecret) ?? (s.authMethod === 'oauth' ? s.clientSecret : undefined);
  if (!clientId) throw badRequest('Client ID is required for OAuth 2.0.');
  if (!clientSecret) throw badRequest('Client Secret is required for OAuth 2.0.');
  const changed =
    s.authMethod !== 'oauth' || username !== s.username || password !== s.password || clientId !== s.clientId || clientSecret !== s.clientSecret;
  // New OAuth credentials need a new grant; unchanged ones keep their tokens.
  const next: ServiceNowCredentials = changed
    ? { authMethod: 'oauth', clientId, clientSecret, username, password }
    : { ...(s as OAuthCredentials) };
  return { credentials: next, changed };
}
