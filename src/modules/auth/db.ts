import type { PlatformTables } from '../../platform/db/types.js';
import type { AdminsTables } from '../admins/migrations.js';
import type { ApiKeysTables } from '../api-keys/migrations.js';
import type { RolesTables } from '../roles/migrations.js';
import type { SessionsTables } from './migrations.js';

/**
 * What the auth module queries: sessions, and in one join per request the session's admin, role
 * and org or the API key and its role (measured: the join is a small part of a request; reading
 * them through their services would be several round trips).
 */
export type AuthDb = SessionsTables & AdminsTables & RolesTables & ApiKeysTables & Pick<PlatformTables, 'orgs'>;
