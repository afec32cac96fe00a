import { z } from 'zod';
import { nameText } from '../../platform/http/input.js';
import { domainProblem } from './records.js';

/**
 * The custom email domains API (under /api/v1), shared with the web app as types:
 *
 *   GET    /email-domains                       → { items: emailDomainView[], platformFrom }   (Account Settings view)
 *   POST   /email-domains                       body emailDomainCreate → 201 emailDomainView    (Account Settings edit; generates the records)
 *   GET    /email-domains/:id                   → emailDomainView                               (Account Settings view)
 *   DELETE /email-domains/:id                   → 204 (not while In Use)                         (Account Settings edit)
 *   POST   /email-domains/:id/verify            → emailDomainView (Success or Failed with the reason) (Account Settings edit)
 *   POST   /email-domains/:id/regenerate        → emailDomainView (new key, token, 72 h)        (Account Settings edit)
 *   POST   /email-domains/:id/test-email        body testEmailBody → 202 { messageId }          (Account Settings edit)
 *   POST   /email-domains/:id/make-default      → emailDomainView (In Use)                       (Account Settings edit)
 *   POST   /email-domains/revert-default        → { items }: back to the platform sender         (Account Settings edit)
 */

const domainName = (what: string) =>
  nameText()
    .trim()
    .min(1, `Enter the ${what}.`)
    .max(254, `The ${what} must be at most 253 characters.`)
    .transform((v) => v.toLowerCase().replace(/\.$/, ''))
    .superRefine((v, ctx) => {
      const problem = domainProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: `The ${what} ${problem}.` });
    });

export const emailDomainCreate = z.strictObject({
  domain: domainName('domain name').describe('The domain mail is sent from, e.g. example.com'),
  envelopeDomain: domainName('envelope sender domain name').describe('A subdomain of the domain that receives bounces (Return-Path), e.g. bounce.example.com'),
  fromAddress: nameText()
    .trim()
    .min(1, 'Enter the originating email address.')
    .max(254, 'The originating email address must be at most 254 characters.')
    .describe('The From address of notification mail; must be in the domain, e.g. security@example.com'),
});
export type EmailDomainCreate = z.infer<typeof emailDomainCreate>;

export const EMAIL_DOMAIN_STATUSES = ['pending', 'success', 'failed', 'expired', 'in_use'] as const;
export type EmailDomainStatus = (typeof EMAIL_DOMAIN_STATUSES)[number];

export const dnsRecordView = z.object({
  kind: z.enum(['dkim', 'spf', 'verification']),
  type: z.literal('TXT'),
  name: z.string(),
  value: z.string(),
  /** The last check's verdict for this record; null before the first check. */
  ok: z.boolean().nullable(),
  problem: z.string().nullable(),
});

export const emailDomainView = z.object({
  id: z.number(),
  domain: z.string(),
  envelopeDomain: z.string(),
  fromAddress: z.string(),
  status: z.enum(EMAIL_DOMAIN_STATUSES),
  statusLabel: z.string(),
  records: z.array(dnsRecordView),
  expiresAt: z.string(),
  lastError: z.string().nullable(),
  lastCheckedAt: z.string().nullable(),
  verifiedAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type EmailDomainView = z.infer<typeof emailDomainView>;

export const emailDomainList = z.object({
  items: z.array(emailDomainView),
  /** The sender used while no domain is In Use (WFA_SMTP_FROM). */
  platformFrom: z.string().nullable(),
});
export type EmailDomainList = z.infer<typeof emailDomainList>;

export const domainTestEmailBody = z.strictObject({
  to: nameText().trim().min(1, 'Enter the address to send the test email to.').max(254, 'The address must be at most 254 characters.'),
});

export const domainTestEmailResult = z.object({ messageId: z.number(), from: z.string(), to: z.string() });
