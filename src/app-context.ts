import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { Database } from './platform/db/database.js';
import type { DB } from './platform/db/types.js';
import type { Kysely } from 'kysely';
import { SecretBox, loadSecretKey } from './platform/secrets.js';
import { AuditService } from './modules/audit/service.js';
import { RolesService } from './modules/roles/service.js';
import { OrgsService } from './modules/orgs/service.js';
import { AdminsService } from './modules/admins/service.js';
import { AuthService } from './modules/auth/service.js';
import { ApiKeysService } from './modules/api-keys/service.js';
import { AlertsService } from './modules/alerts/service.js';
import { IntegrationsService } from './modules/integrations/service.js';
import { IntegrationUsersService } from './modules/integration-users/service.js';
import { integrationsPort } from './modules/integration-users/integrations-port.js';
import { IncidentsService } from './modules/incidents/service.js';
import { LabelsService } from './modules/labels/service.js';
import { JobQueue } from './platform/jobs/index.js';
import { TicketsService } from './modules/tickets/service.js';
import { TicketSyncService } from './modules/tickets/sync/service.js';

/** Every service, built once per process and handed to routes, the worker and the CLI. */
export type AppContext = {
  config: Config;
  database: Database;
  db: Kysely<DB>;
  secrets: SecretBox;
  log: FastifyBaseLogger | Console;
  audit: AuditService;
  roles: RolesService;
  orgs: OrgsService;
  admins: AdminsService;
  auth: AuthService;
  apiKeys: ApiKeysService;
  alerts: AlertsService;
  integrations: IntegrationsService;
  integrationUsers: IntegrationUsersService;
  incidents: IncidentsService;
  labels: LabelsService;
  jobs: JobQueue;
  tickets: TicketsService;
  ticketSync: TicketSyncService;
};

export function createContext(config: Config, database: Database, log: AppContext['log'] = console): AppContext {
  const db = database.db;
  const secrets = new SecretBox(loadSecretKey(config));
  const audit = new AuditService(db);
  const roles = new RolesService(db, audit);
  const orgs = new OrgsService(db, roles);
  const admins = new AdminsService(db, audit, roles);
  const auth = new AuthService(db, config, admins.store, database.writes);
  const apiKeys = new ApiKeysService(db, audit, roles);
  const alerts = new AlertsService(db);
  const integrations = new IntegrationsService(db, audit, alerts, secrets, config, log, database.writes);
  const labels = new LabelsService(db, audit);
  const incidents = new IncidentsService(db, admins, roles, labels);
  const jobs = new JobQueue(db, database.dialect);
  const integrationUsersPort = integrationsPort(integrations);
  const integrationUsers = new IntegrationUsersService(db, audit, jobs, () => integrationUsersPort);
  integrations.registerUsage('integration users', (orgId, id, exec) => integrationUsers.countForIntegration(orgId, id, exec));
  const tickets = new TicketsService({ db, config, jobs, log: log as never, incidents, integrations, integrationUsers });
  integrations.registerUsage('open tickets', (orgId, id, exec) => tickets.countLiveByIntegration(orgId, id, exec));
  integrationUsers.registerUsage('open tickets', async (exec, orgId, user) => {
    const n = await tickets.countLiveByUser(orgId, user.id, exec);
    return n ? [`${n} open ticket${n === 1 ? '' : 's'}`] : [];
  });
  const ticketSync = new TicketSyncService({ db, secrets, publicUrl: config.publicUrl, audit, integrations, incidents: () => incidents.ticketHooks });
  // The create path asks the integration's sync settings what to do when the incident's ticket is closed.
  tickets.closedTicketPolicy = (orgId, integrationId) => ticketSync.closedTicketPolicy(orgId, integrationId);
  return { config, database, db, secrets, log, audit, roles, orgs, admins, auth, apiKeys, alerts, integrations, integrationUsers, incidents, labels, jobs, tickets, ticketSync };
}
