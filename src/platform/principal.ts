import type { Permissions } from './permissions.js';

/** Who is making a request: a signed-in admin (cookie session) or an API key (Bearer). */
export type Principal = {
  kind: 'admin' | 'api_key' | 'system';
  orgId: number;
  adminId: number | null;
  apiKeyId: number | null;
  /** Shown in Audit Logs and State Changes: the admin's email or "API key <name>". */
  label: string;
  permissions: Permissions;
  sessionId: string | null;
};

/** Background work (job worker, status sync) acts as the system within one org. */
export function systemPrincipal(orgId: number, permissions: Permissions): Principal {
  return { kind: 'system', orgId, adminId: null, apiKeyId: null, label: 'System', permissions, sessionId: null };
}
