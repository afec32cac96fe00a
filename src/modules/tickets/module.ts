import { defineModule } from '../../platform/module.js';
import { CREATE_JOB, type TicketsDeps } from './deps.js';
import { seedDemoTickets } from './demo.js';
import { ticketsInit } from './migrations.js';
import { ticketsRoutes } from './routes.js';
import { TicketsService } from './service.js';

/** Tickets (issue #15): the Ticket action, exactly-once creation, the per-incident and list APIs. */
export const ticketsModule = defineModule({
  key: 'tickets',
  migrations: { '0500_tickets': ticketsInit },
  tables: ['tickets'],
  create: (deps: TicketsDeps) => new TicketsService(deps),
  routes: (service) => ticketsRoutes(service),
  jobs: { [CREATE_JOB]: (service, job) => service.runCreateJob(job) },
  demo: (service, actor, sandbox) => seedDemoTickets(service, actor, sandbox),
  usage: (service) => ({
    integration: { name: 'open tickets', count: (orgId, integrationId, exec) => service.countLiveByIntegration(orgId, integrationId, exec) },
    integrationUser: { name: 'open tickets', count: (orgId, userId, exec) => service.countLiveByUser(orgId, userId, exec) },
  }),
});
