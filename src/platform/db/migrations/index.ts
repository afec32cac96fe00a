import type { ModuleMigrations } from '../schema-helpers.js';
import { platformInit } from './0001_platform.js';
import { integrationsInit, integrationsSoftDelete } from '../../../modules/integrations/migrations.js';
import { integrationUsersIndexes, integrationUsersInit, integrationUsersListJson } from '../../../modules/integration-users/migrations.js';
import { incidentsInit, incidentsPerf } from '../../../modules/incidents/migrations.js';
import { labelsInit } from '../../../modules/labels/migrations.js';
import { ticketsInit } from '../../../modules/tickets/migrations.js';
import { ticketSyncInit } from '../../../modules/tickets/sync/migrations.js';

/**
 * Every migration of every module, keyed by a name that sorts in the order they must run.
 * Prefix ranges keep modules apart: 0001-0099 platform, 0200 integrations, 0300 integration users,
 * 0400 incidents, 0500 tickets, 0600 workflows.
 */
export const allMigrations: ModuleMigrations = {
  '0001_platform': platformInit,
  '0200_integrations': integrationsInit,
  '0220_integrations_soft_delete': integrationsSoftDelete,
  '0300_integration_users': integrationUsersInit,
  '0310_integration_users_indexes': integrationUsersIndexes,
  '0320_integration_users_list_json': integrationUsersListJson,
  '0400_incidents': incidentsInit,
  '0410_labels': labelsInit,
  '0420_incidents_perf': incidentsPerf,
  '0500_tickets': ticketsInit,
  '0510_ticket_sync': ticketSyncInit,
};
