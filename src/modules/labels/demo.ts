import type { Principal } from '../../platform/principal.js';
import type { LabelsService } from './service.js';

const DEMO_LABELS: { name: string; values: string[] }[] = [
  { name: 'Resolution', values: ['Policy Violation', 'Business Justified', 'False Positive', 'User Educated'] },
  { name: 'Region', values: ['AMER', 'EMEA', 'APAC'] },
  { name: 'Reviewed', values: [] },
];

/** Demo labels (the demo incidents are closed with a Resolution and tagged with a Region). Idempotent. */
export async function seedDemoLabels(labels: LabelsService, actor: Principal): Promise<string[]> {
  const existing = await labels.list(actor.orgId);
  for (const l of DEMO_LABELS) {
    if (!existing.some((x) => x.name.toLowerCase() === l.name.toLowerCase())) await labels.create(actor, l);
  }
  return [];
}
