import type { Generated } from 'kysely';

/**
 * The platform's own tables (domain-free). Each module declares its tables in its folder; the
 * root composes every table into `DB` (src/db.ts), which nothing under platform/ or modules/ imports.
 */
export interface OrgsTable {
  id: Generated<number>;
  name: string;
  created_at: string;
}
export interface JobsTable {
  id: Generated<number>;
  org_id: number | null;
  kind: string;
  payload: string;
  dedupe_key: string | null;
  status: 'queued' | 'running' | 'done' | 'dead';
  run_at: string;
  attempts: Generated<number>;
  /** Runs lost to a stopped worker (not counted as attempts). */
  interruptions: Generated<number>;
  max_attempts: Generated<number>;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
}

export interface PlatformTables {
  orgs: OrgsTable;
  jobs: JobsTable;
}
