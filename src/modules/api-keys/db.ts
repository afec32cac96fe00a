import type { ApiKeysTables } from './migrations.js';
import type { RolesTables } from '../roles/migrations.js';

/** What the API keys module queries: its table, and roles by join (role names). */
export type ApiKeysDb = ApiKeysTables & RolesTables;
