import { credentialKeysOf, descriptorOf, type JiraCredentials, type OAuthTokens, type ServiceNowCredentials } from '../../connectors/index.js';
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

/** The API never sees a secret: only identifiers an admin typed in plain sight (the descriptor's non-secret fields). */
export function accountInfoOf(type: IntegrationRecord['type'], creds: StoredCredentials, adminEmail?: string | null): AccountInfo {
  const d = descriptorOf(type);
  const method = authMethodOf(type, creds);
  const info: AccountInfo = {};
  for (const f of d.credentials.fields) {
    if (f.secret) continue;
    const value = (creds as Record<string, string | undefined>)[f.key];
    info[f.key as keyof AccountInfo] = !f.only || f.only.includes(method) ? (value ?? null) : null;
  }
  for (const f of d.contact.fields) info[f.key] = adminEmail ?? null;
  return info;
}

/** A system with one way to sign in does not store which; the others' credentials say. */
export function authMethodOf(type: IntegrationRecord['type'], creds: StoredCredentials): IntegrationRecord['auth_method'] {
  const methods = descriptorOf(type).credentials.authMethods;
  return 'authMethod' in creds ? creds.authMethod : methods[0].value;
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
  const d = descriptorOf(type);
  const own = new Set(credentialKeysOf(d));
  for (const [k, v] of Object.entries(input)) {
    if (!own.has(k) && nonBlank(v)) throw badRequest(`A ${d.name} integration uses ${d.credentials.summary}; ${k} does not apply.`);
  }
  if (!('authMethod' in stored)) {
    const s = stored;
    const next: JiraCredentials = { email: nonBlank(input.email)?.trim() ?? s.email, apiToken: nonBlank(input.apiToken) ?? s.apiToken };
    if (nonBlank(input.email) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(next.email)) throw badRequest('Enter a valid account email, such as jane@example.com.');
    return { credentials: next, changed: next.email !== s.email || next.apiToken !== s.apiToken };
  }
  const s = stored;
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
  const changed = s.authMethod !== 'oauth' || username !== s.username || password !== s.password || clientId !== s.clientId || clientSecret !== s.clientSecret;
  // New OAuth credentials need a new grant; unchanged ones keep their tokens.
  const next: ServiceNowCredentials = changed ? { authMethod: 'oauth', clientId, clientSecret, username, password } : { ...(s as OAuthCredentials) };
  return { credentials: next, changed };
}
