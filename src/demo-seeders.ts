import type { AppContext } from './app-context.js';
import type { Principal } from './platform/principal.js';
import { seedDemoIntegrations } from './modules/integrations/demo.js';
import { seedDemoIntegrationUsers } from './modules/integration-users/demo.js';
import { seedDemoIncidents } from './modules/incidents/generator.js';
import { seedDemoTickets } from './modules/tickets/demo.js';
import { seedDemoTicketSync } from './modules/tickets/sync/demo.js';

/** What the demo needs from the sandbox (see src/sandbox). */
export type DemoSandbox = {
  servicenowUrl: string;
  jiraUrl: string;
  close(): Promise<void>;
  [k: string]: unknown;
};

/**
 * Each capability adds its sample data here (integrations connected to the sandbox, incidents...).
 * A seeder must be idempotent (the demo restarts on the same database) and returns lines to print.
 */
export type DemoSeeder = (ctx: AppContext, actor: Principal, sandbox: DemoSandbox) => Promise<string[]>;

export const DEMO_SEEDERS: DemoSeeder[] = [
  seedDemoIntegrations,
  seedDemoIntegrationUsers,
  (ctx, actor) => seedDemoIncidents(ctx, actor),
  (ctx, actor, sandbox) => seedDemoTickets(ctx.tickets, actor, sandbox),
  (ctx, actor, sandbox) => seedDemoTicketSync(ctx.ticketSync, ctx.integrations, actor, sandbox),
];
