import type { ApiKeysTables } from '../api-keys/migrations.js';
import type { RolesTables } from '../roles/migrations.js';
import type { CompatTables } from './migrations.js';

/**
 * What the compatible API queries: its tokens, and by join the token's API key (revoked?) and the
 * key's role (permissions). Every compatible call checks its token, and one vendor client fetches a
 * new token before each call, so this is one indexed read instead of two service round trips.
 */
export type CompatDb = CompatTables & ApiKeysTables & RolesTables;
