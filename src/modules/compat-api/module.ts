import type { Kysely } from 'kysely';
import { defineModule } from '../../platform/module.js';
import type { ApiKeysService } from '../api-keys/service.js';
import type { RolesService } from '../roles/service.js';
import { seedDemoCompatKey } from './demo.js';
import type { CompatDb } from './db.js';
import { compatInit } from './migrations.js';
import { compatRoutes } from './routes.js';
import { CompatApiService, type CompatDeps } from './service.js';
import { CompatTokens } from './tokens.js';
import { EvidenceLinks } from './evidence-links.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { Config } from '../../config.js';

type Deps = Omit<CompatDeps, 'tokens' | 'demo' | 'evidenceLinks' | 'publicUrl'> & {
  secrets: Pick<SecretBox, 'derive'>;
  config: Pick<Config, 'publicUrl'>;
  db: Kysely<CompatDb>;
  apiKeys: Pick<ApiKeysService, 'verifyIdSecret' | 'list' | 'create' | 'revoke'>;
  roles: Pick<RolesService, 'findByName'>;
};

/**
 * The compatible API (issue #13): scripts written for the reference product's public API work with
 * only their base URL changed. An adapter over incidents, tickets, labels and audit; its own paths
 * at the server root (docs/compatible-api.md).
 */
export const compatApiModule = defineModule({
  key: 'compatApi',
  migrations: { '0750_compat_api_tokens': compatInit },
  tables: ['compat_tokens'],
  create: ({ db, apiKeys, roles, incidents, tickets, labels, incidentGroups, audit, secrets, config }: Deps) =>
    new CompatApiService({
      tokens: new CompatTokens(db, apiKeys),
      incidents,
      tickets,
      labels,
      incidentGroups,
      audit,
      evidenceLinks: new EvidenceLinks(secrets.derive('compat-evidence-links')),
      publicUrl: config.publicUrl,
      demo: { apiKeys, roles },
    }),
  rootRoutes: compatRoutes,
  demo: (service, actor) => seedDemoCompatKey(service.demoDeps, actor),
});
