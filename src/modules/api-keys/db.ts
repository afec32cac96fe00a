import type { ApiKeysTables } from './migrations.js';
import type { RolesTables } from '../roles/migrations.js';
import type { AdminsTables } from '../admins/migrations.js';

/** What the API keys module queries: its table, and roles and admins by join (role names; who created a key and whether they are still active, shown in the list). */
export type ApiKeysDb = ApiKeysTables & RolesTables & AdminsTables;
