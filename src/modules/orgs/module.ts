import type { Kysely } from 'kysely';
import { defineModule } from '../../platform/module.js';
import type { RolesService } from '../roles/service.js';
import { OrgsService, type OrgsDb } from './service.js';

/** Creates orgs (with their built-in roles); the orgs table itself is the platform's. */
export const orgsModule = defineModule({
  key: 'orgs',
  create: ({ db, roles }: { db: Kysely<OrgsDb>; roles: Pick<RolesService, 'createBuiltins'> }) => new OrgsService(db, roles),
});
