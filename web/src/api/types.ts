/**
 * Response and request types shared with the server. Where a module exports its zod schemas we
 * take the types from there (single source of truth, type-only imports); the rest mirror the
 * response schemas declared in the module's routes.ts.
 */
import type { AdminView } from '@server/modules/admins/schemas';
import type { RoleView } from '@server/modules/roles/schemas';

// Plain constants with no server dependencies: safe to bundle into the web app.
export { CATEGORIES, LEVELS, maxLevel, type Category, type Level as PermissionLevel } from '@server/platform/permissions';

export type { AdminView, RoleView };

/** GET /api-keys items (api-keys/routes.ts `apiKeyView`); creation adds `key`, shown once. */
export type ApiKeyView = {
  id: number;
  name: string;
  prefix: string;
  roleId: number;
  roleName: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Null once the creating admin was deleted; a key belongs to the org and outlives its creator. */
  createdBy: { id: number; name: string; email: string; status: 'active' | 'disabled' } | null;
};

/** Every paged list: `pageQuery` + `paged(item)` on the server. */
export type Paged<T> = { items: T[]; total: number; page: number; pageSize: number };

export type { AuditEntry, AuditFacets } from '@server/modules/audit/schemas';
