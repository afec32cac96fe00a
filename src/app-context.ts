import type { Kysely } from 'kysely';
import type { Config } from './config.js';
import type { DB } from './db.js';
import type { AnyExec, Database } from './platform/db/database.js';
import { JobQueue } from './platform/jobs/index.js';
import type { Logger } from './platform/log.js';
import type { AnyModule, PlatformDeps, UsageChecks } from './platform/module.js';
import { Metrics } from './platform/metrics.js';
import { SecretBox, loadSecretKey } from './platform/secrets.js';
import { MODULES, type AppModule } from './modules/index.js';

type ServiceOf<M extends AppModule> = ReturnType<M['create']>;
type DepsOf<M extends AppModule> = Parameters<M['create']>[0];

/** Each module's service under its key (`ctx.integrationUsers`). */
export type AppServices = { [M in AppModule as M['key']]: ServiceOf<M> };

/** Every service, built once per process and handed to the server, the worker, the CLI and tests. */
export type AppContext = Omit<PlatformDeps, 'db'> &
  AppServices & {
    database: Database;
    /** Every table (src/db.ts): for the root's own queries and tests. */
    db: Kysely<DB>;
    /** The modules with the service each built, in list order: what the root's loops go over. */
    modules: readonly { definition: AnyModule; service: unknown }[];
  };

/**
 * Compile-time check that what the root hands over satisfies every module's `create(deps)`: a
 * module whose deps name a service that does not exist, or with a method it lacks, appears here.
 * (The order is checked when the context is built.)
 */
type Provided = PlatformDeps & AppServices;
type UnsatisfiedDeps = { [M in AppModule as Provided extends DepsOf<M> ? never : M['key']]: Exclude<keyof DepsOf<M>, keyof Provided> };
const everyModuleDepsSatisfied: { [K in keyof UnsatisfiedDeps]: never } = {};
void everyModuleDepsSatisfied;

export function createContext(config: Config, database: Database, log: Logger = console): AppContext {
  const platform: PlatformDeps = {
    db: database.db,
    stablePlans: database.stablePlans,
    config,
    secrets: new SecretBox(loadSecretKey(config)),
    log,
    jobs: new JobQueue(database.db, database.dialect),
    writes: database.writes,
    metrics: new Metrics(database.db),
  };
  const built: Record<string, unknown> = { ...platform };
  const modules: AppContext['modules'] = MODULES.map((definition: AnyModule) => {
    const service: unknown = definition.create(depsFor(definition.key, built));
    built[definition.key] = service;
    return { definition, service };
  });
  const ctx = { ...built, database, modules } as AppContext;
  for (const { definition, service } of modules) {
    registerUsage(ctx, definition.usage?.(service) ?? {});
    const setup = definition.orgSetup?.(service);
    if (setup) ctx.orgs.registerSetup(setup);
  }
  return ctx;
}

/** The deps a module is built with; naming a service not built yet is a list-order mistake, said at startup. */
function depsFor(key: string, built: Record<string, unknown>): Record<string, unknown> {
  return new Proxy(built, {
    get(target, name) {
      if (typeof name === 'string' && !(name in target)) {
        throw new Error(`Module "${key}" needs "${name}", which is not built before it: list the module "${name}" before "${key}" in src/modules/index.ts.`);
      }
      return Reflect.get(target, name);
    },
  });
}

/** "Refuse delete while in use": a module's usage checks join the integrations' and integration users' delete rules. */
function registerUsage(ctx: AppContext, checks: UsageChecks): void {
  const { integration, integrationUser } = checks;
  if (integration) ctx.integrations.registerUsage(integration.name, integration.count);
  if (integrationUser) {
    ctx.integrationUsers.registerUsage(integrationUser.name, async (exec: AnyExec, orgId, user) => {
      const n = await integrationUser.count(orgId, user.id, exec);
      return n > 0 ? [`${n} ${integrationUser.name}`] : [];
    });
  }
}
