import { AppError } from '../../platform/http/errors.js';
import type { SecretBox } from '../../platform/secrets.js';
import type { IncidentsStore } from './store.js';

/** An incident's evidence as the file both downloads serve (Incident Details and the compatible API's link). */
export type EvidenceFile = { downloadName: string; xml: string };

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/**
 * Text as XML 1.0 character data. Ingestion already refuses the control characters XML cannot
 * carry; U+FFFE and U+FFFF are not XML characters either and become U+FFFD so the file always parses.
 */
export function xmlText(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c]).replace(/[\uFFFE\uFFFF]/g, '\uFFFD');
}

/** Reads and opens stored evidence; the content is only ever unsealed here, on its way into a download. */
export class IncidentEvidence {
  constructor(
    private readonly store: IncidentsStore,
    private readonly secrets: Pick<SecretBox, 'open'>,
  ) {}

  async file(orgId: number, incidentId: number): Promise<EvidenceFile> {
    const e = await this.store.evidence(orgId, incidentId);
    if (!e) throw new AppError(404, 'not_found', 'This incident has no evidence: the DLP engine sent none with it (or the incident does not exist).');
    const xml = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      `<evidence incidentId="${incidentId}" transactionId="${xmlText(e.transaction_id)}" receivedAt="${xmlText(e.created_at)}">`,
      `  <fileName>${xmlText(e.file_name)}</fileName>`,
      `  <fileType>${xmlText(e.file_type ?? '')}</fileType>`,
      `  <size>${e.size}</size>`,
      `  <content>${xmlText(this.secrets.open(e.content))}</content>`,
      '</evidence>',
      '',
    ].join('\n');
    return { downloadName: `evidence-${incidentId}.xml`, xml };
  }
}
