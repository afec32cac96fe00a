import { descriptorOf } from '../../connectors/descriptors.js';
import { integrationPath, type IntegrationRef } from './integrations-port.js';
import { type IntegrationRefView, type UserView } from './schemas.js';
import type { ListedUser } from './store.js';

/** How audit entries of this module are filed. */
export const AUDIT = { module: 'Integrations', resource: 'Integration User' } as const;

/** The ticketing system's name in messages. */

/** The integration's members of a user's view (the list appends them to the stored entry). */
export function integrationFields(
  ref: IntegrationRef | undefined,
  integrationId: number,
): Pick<UserView, 'integration' | 'integrationType' | 'integrationTypeLabel'> {
  const type = ref?.type ?? 'servicenow';
  return { integration: ref?.name ?? `Integration ${integrationId}`, integrationType: type, integrationTypeLabel: descriptorOf(type).label };
}

export function refView(r: IntegrationRef): IntegrationRefView {
  return {
    id: r.id,
    name: r.name,
    type: r.type,
    typeLabel: descriptorOf(r.type).label,
    enabled: r.enabled,
    status: r.status,
    path: integrationPath(r.type, r.id),
  };
}

/** A user as the API shows it; `refs` names each user's integration. */
export function userView(r: ListedUser, refs: Map<number, IntegrationRef>): UserView {
  return {
    id: r.id,
    name: r.name,
    email: r.email,
    username: r.username,
    externalId: r.external_id,
    integrationId: r.integration_id,
    ...integrationFields(refs.get(r.integration_id), r.integration_id),
    activeInSystem: r.active_in_system === 1,
    status: r.status,
    assignable: r.status === 'active' && !r.removed_at,
    lastVerifiedAt: r.last_verified_at,
    lastVerifyError: r.last_verify_error,
    createdBy: r.created_by,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}
