import { Badge } from '@mantine/core';
import { SYSTEMS, descriptorOf, isIntegrationType, systemNames, type IntegrationType, type SystemDescriptor } from '@server/connectors/descriptors';
import type { IntegrationView, JiraProjectView, MappingView } from '@server/modules/integrations/schemas';

export type { IntegrationView, JiraProjectView, MappingView };
/** Setup > Integrations lists one app per ticketing system; its descriptor names and describes it. */
export type AppKey = IntegrationType;
export { SYSTEMS, descriptorOf, isIntegrationType, systemNames, type SystemDescriptor };

const STATUS_COLORS: Record<IntegrationView['status'], string> = {
  Active: 'green',
  Inactive: 'gray',
  'Validation Failed': 'red',
  'Reauthorization Required': 'orange',
  Deleted: 'dark',
};

/** Enabled / Disabled, or the problem or "Deleted" the API reports as the status. */
export function StatusBadge({ integration }: { integration: Pick<IntegrationView, 'status' | 'enabled'> }) {
  const label = integration.status === 'Active' ? 'Enabled' : integration.status === 'Inactive' ? 'Disabled' : integration.status;
  return (
    <Badge color={STATUS_COLORS[integration.status]} variant="light" title={`Status: ${integration.status}`}>
      {label}
    </Badge>
  );
}
