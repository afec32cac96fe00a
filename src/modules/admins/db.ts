import type { AdminsTables } from './migrations.js';
import type { SessionsTables } from '../auth/migrations.js';
import type { RolesTables } from '../roles/migrations.js';

/** What the admins module queries: its table, roles by join (role names, permissions), and the sessions a disabled admin loses. */
export type AdminsDb = AdminsTables & RolesTables & SessionsTables;
