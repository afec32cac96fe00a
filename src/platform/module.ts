import type { FastifyPluginAsync } from 'fastify';
import type { Config } from '../config.js';
import type { AnyExec, SharedDb } from './db/database.js';
import type { MigrationFn } from './db/schema-helpers.js';
import type { TableWrites } from './db/table-writes.js';
import type { Job, JobQueue } from './jobs/index.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { Principal } from './principal.js';
import type { SecretBox } from './secrets.js';

/**
 * What one capability contributes, declared in one place (`src/modules/<m>/module.ts`) and listed
 * once in `src/modules/index.ts`. The composition root, the migrator, the worker, the demo and key
 * rotation loop over that list, so adding a capability is one folder plus one line.
 *
 * The platform knows nothing of any module: a module's service type, its dependencies and its
 * tables are its own business. Dependencies are typed by the module, narrowly (only what it uses,
 * `Pick<OtherService, 'method'>`); the root passes every service built so far plus the platform
 * pieces (PlatformDeps), keyed by module `key`, and checks at compile time that each module's
 * deps are satisfied (src/app-context.ts).
 */

export type { AnyExec, MigrationFn, SharedDb };

/** What the root gives every module besides the services of the modules before it. */
export type PlatformDeps = {
  db: SharedDb;
  /** `db` for reads whose plan does not depend on their values (`Database.stablePlans`). */
  stablePlans: SharedDb;
  config: Config;
  secrets: SecretBox;
  log: Logger;
  jobs: JobQueue;
  /** Tables written by this process (caches drop what a write changed). */
  writes: TableWrites;
  /** The operators' counters and histograms (Prometheus, /metrics); modules count their outcomes there. */
  metrics: Metrics;
};

/** What the demo needs from the sandbox (see src/sandbox). */
export type DemoSandbox = {
  servicenowUrl: string;
  jiraUrl: string;
  close(): Promise<void>;
  [k: string]: unknown;
};

/**
 * "Refuse delete while in use": counts the rows of this module that use an integration or an
 * integration user. `name` is a plural noun for the refusal message ("open tickets").
 */
export type UsageChecks = {
  integration?: { name: string; count(orgId: number, integrationId: number, exec: AnyExec): Promise<number> };
  integrationUser?: { name: string; count(orgId: number, integrationUserId: number, exec: AnyExec): Promise<number> };
};

export type ScheduleDef<S> = { name: string; everyMs: number; run(service: S, log: Logger): Promise<void> };

export interface ModuleDefinition<Key extends string = string, Deps = never, Service = unknown> {
  /** The service's key in the composed context (`ctx.integrationUsers`) and in other modules' deps. */
  key: Key;
  /** Migration name → function. Names carry the module's prefix range (0500 tickets) and sort in order. */
  migrations?: Record<string, MigrationFn>;
  /** Tables this module owns (only its store writes them; other modules read them through its service or a join declared in their `db.ts`). */
  tables?: readonly string[];
  /** Columns holding SecretBox ciphertext, re-encrypted by `wfa rotate-key`. */
  sealedColumns?: readonly { table: string; column: string }[];
  /**
   * Builds the service from its narrowly typed dependencies. Its `db: Kysely<Tables>` names the
   * tables it queries; the root composes its `DB` type from them (src/db.ts).
   */
  create(deps: Deps): Service;
  /** Routes under /api/v1; they receive the module's own service. */
  routes?: (service: Service) => FastifyPluginAsync;
  /**
   * Routes at the server root, outside /api/v1, for a wire-compatible API whose paths are fixed by
   * another product (the compatible API's /v1 and /dlp/v1). They are not behind the /api guard:
   * such a plugin authenticates and answers errors in its own wire format.
   */
  rootRoutes?: (service: Service) => FastifyPluginAsync;
  /** Job kind → handler, run by the durable worker. */
  jobs?: Record<string, (service: Service, job: Job, log: Logger) => Promise<void>>;
  /** Periodic work, enqueued once per period across processes. */
  schedules?: readonly ScheduleDef<Service>[];
  /** Idempotent sample data for `npm run demo`; returns lines to print. */
  demo?: (service: Service, actor: Principal, sandbox: DemoSandbox) => Promise<string[]>;
  /** Checks that refuse deleting an integration or integration user this module still uses. */
  usage?: (service: Service) => UsageChecks;
  /**
   * Per-org defaults (e.g. System Default templates) written inside the transaction that creates
   * an org, after its built-in roles; orgs that existed before the module get them from its migration.
   */
  orgSetup?: (service: Service) => OrgSetup;
}

/** Writes a new org's defaults in the org's creation transaction. */
export type OrgSetup = (trx: AnyExec, orgId: number) => Promise<void>;

/**
 * Any module, as the root's loops see it (routes, jobs, demo...). Each module's own types are
 * checked where it is declared and, for its dependencies, in src/app-context.ts.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a list of modules with different services and deps
export type AnyModule = ModuleDefinition<string, any, any>;

/** Identity function that keeps a module's types (Key, Deps, Service) for the list in `modules/index.ts`. */
export function defineModule<Key extends string, Deps, Service>(def: ModuleDefinition<Key, Deps, Service>): ModuleDefinition<Key, Deps, Service> {
  return def;
}
