/**
 * Who an email is from. By default every notification mail is From WFA_SMTP_FROM with that address
 * as the envelope sender; a module that manages custom sending domains (email-domains) plugs in a
 * resolver here, and the delivery job asks it right before each send.
 */

export type SenderIdentity = {
  /** The From address (a bare address on the custom domain). */
  from: string;
  /** The SMTP envelope sender (MAIL FROM, the Return-Path). */
  envelopeFrom: string;
  /** DKIM signing as nodemailer takes it; the private key is PEM and is never logged. */
  dkim: { domainName: string; keySelector: string; privateKey: string };
};

/** `purpose` lets a resolver pick a domain for one message (a domain's test email) instead of the one in use. */
export type SenderIdentityResolver = (orgId: number, purpose: string) => Promise<SenderIdentity | null>;

export class SenderIdentityHook {
  private resolver: SenderIdentityResolver | null = null;

  use(resolver: SenderIdentityResolver): void {
    this.resolver = resolver;
  }

  /** null: the platform's sender (WFA_SMTP_FROM). */
  async resolve(orgId: number, purpose: string): Promise<SenderIdentity | null> {
    return this.resolver ? this.resolver(orgId, purpose) : null;
  }
}
