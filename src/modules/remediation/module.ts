import type { Kysely } from 'kysely';
import type { Config } from '../../config.js';
import { defineModule } from '../../platform/module.js';
import type { RemediationIncidents } from './deps.js';
import { remediationInit, type RemediationTables } from './migrations.js';
import type { AccountSettingsPort, NotificationsPort, TemplatesPort } from './ports.js';
import { remediationRoutes } from './routes.js';
import { RemediationService } from './service.js';

type Deps = {
  db: Kysely<RemediationTables>;
  config: Pick<Config, 'publicUrl'>;
  incidents: RemediationIncidents;
  /** Optional until the notifications, notification-templates and account-settings modules are in MODULES. */
  notifications?: NotificationsPort;
  notificationTemplates?: TemplatesPort;
  accountSettings?: AccountSettingsPort;
};

/** Reads a dependency that may not be built (the root's deps object throws on a name it lacks). */
function optional<K extends keyof Deps>(deps: Deps, key: K): NonNullable<Deps[K]> | null {
  return key in deps ? ((deps[key] ?? null) as NonNullable<Deps[K]> | null) : null;
}

/** Notify User, Escalate and the justification surveys (issue #12 items 3–4). */
export const remediationModule = defineModule({
  key: 'remediation',
  migrations: { '0900_remediation': remediationInit },
  tables: ['survey_links', 'survey_responses'],
  create: (deps: Deps) =>
    new RemediationService(
      { db: deps.db, config: deps.config, incidents: deps.incidents },
      {
        notifications: optional(deps, 'notifications'),
        templates: optional(deps, 'notificationTemplates'),
        accountSettings: optional(deps, 'accountSettings'),
      },
    ),
  routes: remediationRoutes,
});
