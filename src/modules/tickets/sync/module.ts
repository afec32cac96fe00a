import type { Kysely } from 'kysely';
import type { Config } from '../../../config.js';
import { defineModule } from '../../../platform/module.js';
import type { SecretBox } from '../../../platform/secrets.js';
import type { IncidentTicketHooks } from '../../incidents/ticket-hooks.js';
import type { TicketsDb } from '../db.js';
import { seedDemoTicketSync } from './demo.js';
import { STATUS_POLL_EVERY_MS, STATUS_POLL_SCHEDULE, TICKET_SYNC_MIGRATIONS, TICKET_SYNC_SEALED_COLUMNS, TICKET_SYNC_TABLES } from './module-parts.js';
import type { AuditPort, IntegrationsPort } from './ports.js';
import { ticketSyncRoutes } from './routes.js';
import { TicketSyncService } from './service.js';

/**
 * Ticket status sync (issue #15 item 4): the scheduled batched poll, the signed webhook endpoints,
 * auto-close, and each integration's sync settings. Listed before `tickets`, whose create path asks
 * it for the integration's closed-ticket policy.
 */
export const ticketSyncModule = defineModule({
  key: 'ticketSync',
  migrations: TICKET_SYNC_MIGRATIONS,
  tables: TICKET_SYNC_TABLES,
  sealedColumns: TICKET_SYNC_SEALED_COLUMNS,
  create: ({
    db,
    secrets,
    config,
    audit,
    integrations,
    incidents,
  }: {
    db: Kysely<TicketsDb>;
    secrets: SecretBox;
    config: Pick<Config, 'publicUrl'>;
    audit: AuditPort;
    integrations: IntegrationsPort;
    incidents: { ticketHooks: IncidentTicketHooks };
  }) => new TicketSyncService({ db, secrets, publicUrl: config.publicUrl, audit, integrations, incidents: () => incidents.ticketHooks }),
  routes: ticketSyncRoutes,
  schedules: [{ name: STATUS_POLL_SCHEDULE, everyMs: STATUS_POLL_EVERY_MS, run: (service) => service.pollDue() }],
  demo: (service, actor, sandbox) => seedDemoTicketSync(service, service.integrations, actor, sandbox),
});
