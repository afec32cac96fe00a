import type { RolesTables } from './migrations.js';
import type { AdminsTables } from '../admins/migrations.js';
import type { ApiKeysTables } from '../api-keys/migrations.js';

/** What the roles module queries: its table, and admins and API keys by role (a held role cannot be deleted). */
export type RolesDb = RolesTables & AdminsTables & ApiKeysTables;
