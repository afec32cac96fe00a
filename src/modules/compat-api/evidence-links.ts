import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../../platform/http/errors.js';

/** How long an evidence link works: long enough to hand to a download tool, short enough that a leaked one soon dies. */
export const EVIDENCE_LINK_SECONDS = 15 * 60;

const FORM = /^(\d{1,10})\.(\d{1,15})\.(\d{1,10})\.(\d{1,12})\.([A-Za-z0-9_-]{43})$/;

/**
 * Presigned links to one incident's evidence (the reference's "time-limited presigned link"):
 * `<org>.<incident>.<API key>.<expiry in epoch seconds>.<HMAC-SHA256>`, keyed by a key derived
 * from the platform secret, so any server sharing that key honours the link and nothing else can
 * mint one. The link is the credential (a download tool follows it without the API token), which is
 * why it names a single incident of a single org, expires, and names the API key it was issued to:
 * revoking that key (or taking Incidents away from its role) ends its links too.
 */
export class EvidenceLinks {
  constructor(
    private readonly key: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  private mac(body: string): string {
    return createHmac('sha256', this.key).update(`evidence-link:${body}`).digest('base64url');
  }

  sign(orgId: number, incidentId: number, apiKeyId: number): { token: string; expiresAt: string } {
    const expires = Math.floor(this.now() / 1000) + EVIDENCE_LINK_SECONDS;
    const body = `${orgId}.${incidentId}.${apiKeyId}.${expires}`;
    return { token: `${body}.${this.mac(body)}`, expiresAt: new Date(expires * 1000).toISOString() };
  }

  /** The link's org, incident and API key; 403 when it was altered or never issued, 410 once it has expired. */
  read(token: string): { orgId: number; incidentId: number; apiKeyId: number } {
    const m = FORM.exec(token);
    const refused = new AppError(403, 'forbidden', 'This evidence link is not valid. Ask for a new one with GET /dlp/v1/incidents/{id}/evidence.');
    if (!m) throw refused;
    const body = `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
    const expected = Buffer.from(this.mac(body));
    const given = Buffer.from(m[5]);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw refused;
    const expires = Number(m[4]);
    if (expires * 1000 <= this.now())
      throw new AppError(
        410,
        'gone',
        `This evidence link expired at ${new Date(expires * 1000).toISOString()}. Ask for a new one with GET /dlp/v1/incidents/{id}/evidence.`,
      );
    return { orgId: Number(m[1]), incidentId: Number(m[2]), apiKeyId: Number(m[3]) };
  }
}
