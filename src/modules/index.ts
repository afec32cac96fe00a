import { accountSettingsModule } from './account-settings/module.js';
import { adminsModule } from './admins/module.js';
import { alertsModule } from './alerts/module.js';
import { apiKeysModule } from './api-keys/module.js';
import { auditModule } from './audit/module.js';
import { compatApiModule } from './compat-api/module.js';
import { emailDomainsModule } from './email-domains/module.js';
import { eventWebhooksModule } from './event-webhooks/module.js';
import { authModule } from './auth/module.js';
import { incidentGroupsModule } from './incident-groups/module.js';
import { incidentsModule } from './incidents/module.js';
import { integrationUsersModule } from './integration-users/module.js';
import { integrationsModule } from './integrations/module.js';
import { labelsModule } from './labels/module.js';
import { notificationTemplatesModule } from './notification-templates/module.js';
import { notificationsModule } from './notifications/module.js';
import { orgsModule } from './orgs/module.js';
import { remediationModule } from './remediation/module.js';
import { rolesModule } from './roles/module.js';
import { ticketSyncModule } from './tickets/sync/module.js';
import { ticketsModule } from './tickets/module.js';
import { workflowsModule } from './workflows/module.js';

/**
 * Every capability, in the order they are built: a module comes after the modules whose services
 * it takes (the root refuses to start otherwise). The same order runs their parts of the first
 * migration, registers their routes, runs their demo data and lists their jobs.
 */
export const MODULES = [
  auditModule,
  alertsModule,
  rolesModule,
  orgsModule,
  adminsModule,
  authModule,
  apiKeysModule,
  integrationsModule,
  integrationUsersModule,
  labelsModule,
  incidentsModule,
  ticketSyncModule,
  ticketsModule,
  workflowsModule,
  incidentGroupsModule,
  compatApiModule,
  notificationsModule,
  emailDomainsModule,
  eventWebhooksModule,
  notificationTemplatesModule,
  accountSettingsModule,
  remediationModule,
] as const;

export type AppModule = (typeof MODULES)[number];
