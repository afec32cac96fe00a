import { defineModule } from '../../platform/module.js';
import { emailDomainsInit } from './migrations.js';
import { emailDomainsRoutes } from './routes.js';
import { EmailDomainsService, type EmailDomainsDeps } from './service.js';

const CHECK_EVERY_MS = 10 * 60_000;

/** Custom email domains (PRODUCT.md §18): the sender of notification mail, DKIM-signed, with DNS checks. */
export const emailDomainsModule = defineModule({
  key: 'emailDomains',
  migrations: { '0960_email_domains': emailDomainsInit },
  tables: ['email_domains'],
  sealedColumns: [{ table: 'email_domains', column: 'dkim_private_key' }],
  create: (deps: EmailDomainsDeps) => new EmailDomainsService(deps),
  routes: emailDomainsRoutes,
  schedules: [{ name: 'email-domains.verify-pending', everyMs: CHECK_EVERY_MS, run: async (service) => void (await service.verifyPending()) }],
});
