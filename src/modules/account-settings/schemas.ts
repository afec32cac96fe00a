import { z } from 'zod';
import { nameText, text } from '../../platform/http/input.js';
import { pageQuery, paged } from '../../platform/http/pagination.js';
import { OBFUSCATABLE_ATTRIBUTES, OBFUSCATABLE_LABELS } from '../incidents/privacy.js';

export { OBFUSCATABLE_ATTRIBUTES, OBFUSCATABLE_LABELS };

/* ------------------------------------------------------------------ vocabulary */

export const CHANNELS = ['email', 'slack', 'teams'] as const;
export type Channel = (typeof CHANNELS)[number];
export const CHANNEL_LABELS: Record<Channel, string> = { email: 'Email', slack: 'Slack', teams: 'Teams' };
export const FREQUENCIES = ['daily', 'weekly'] as const;
/** What identifies a person across User Attributes (PRODUCT.md §16 "Unique Attributes"). */
export const UNIQUE_ATTRIBUTES = ['email', 'employeeId'] as const;
export const UNIQUE_ATTRIBUTE_LABELS: Record<(typeof UNIQUE_ATTRIBUTES)[number], string> = { email: 'Email Address', employeeId: 'Employee ID' };

export const MAX_APPROVER_DOMAINS = 10;
export const MAX_LINK_EXPIRY_DAYS = 30;
export const MAX_DIGEST_RECIPIENTS = 50;

/* ------------------------------------------------------------------ shared fields */

export const emailText = text()
  .trim()
  .max(254, 'An email address is at most 254 characters.')
  .pipe(z.email({ message: 'Enter a valid email address such as name@example.com.' }));

/** A host name as DNS allows it (labels of letters, digits and inner hyphens), at least two labels. */
const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;
export const domainText = text()
  .trim()
  .toLowerCase()
  .refine((d) => HOSTNAME.test(d), { message: 'Enter a domain such as example.com (letters, digits, hyphens and dots; no scheme, path or @).' });

const expiryDays = z
  .number()
  .int('Link expiry is a whole number of days.')
  .min(1, 'Link expiry is at least 1 day.')
  .max(MAX_LINK_EXPIRY_DAYS, `Link expiry is at most ${MAX_LINK_EXPIRY_DAYS} days.`);
const channels = z.array(z.enum(CHANNELS)).max(CHANNELS.length);

/* ------------------------------------------------------------------ account settings */

const endUserDigest = z.strictObject({ enabled: z.boolean(), channels, frequency: z.enum(FREQUENCIES) });
const adminDigest = endUserDigest.extend({
  recipients: z.array(emailText).max(MAX_DIGEST_RECIPIENTS, `Name at most ${MAX_DIGEST_RECIPIENTS} digest recipients.`),
});

export const notificationSettings = z.strictObject({
  linkExpiryDays: z.strictObject({ endUser: expiryDays, manager: expiryDays, approver: expiryDays }),
  digest: z.strictObject({ endUser: endUserDigest, admin: adminDigest }),
});
export type NotificationSettings = z.infer<typeof notificationSettings>;

export const privacySettings = z.strictObject({ obfuscatedAttributes: z.array(z.enum(OBFUSCATABLE_ATTRIBUTES)).max(OBFUSCATABLE_ATTRIBUTES.length) });
export type PrivacySettings = z.infer<typeof privacySettings>;

/** The whole Account Settings page: Save sends every section, Reset reloads them. */
export const accountSettingsBody = z
  .strictObject({
    notifications: notificationSettings,
    approverDomains: z.array(domainText).max(MAX_APPROVER_DOMAINS, `Restrict approver emails to at most ${MAX_APPROVER_DOMAINS} domains.`),
    uniqueAttributes: z.array(z.enum(UNIQUE_ATTRIBUTES)).min(1, 'Choose at least one unique attribute.').max(UNIQUE_ATTRIBUTES.length),
    privacy: privacySettings,
  })
  .superRefine((v, ctx) => {
    const seen = new Set<string>();
    v.approverDomains.forEach((d, i) => {
      if (seen.has(d)) ctx.addIssue({ code: 'custom', path: ['approverDomains', i], message: `The domain ${d} is listed twice; keep one.` });
      seen.add(d);
    });
    if (v.notifications.digest.endUser.channels.some((c) => c !== 'email'))
      ctx.addIssue({
        code: 'custom',
        path: ['notifications', 'digest', 'endUser', 'channels'],
        message:
          'The end-user digest goes by Email only: Slack and Teams webhooks post to a shared channel, which would show each person’s incidents to everyone in it.',
      });
    for (const who of ['endUser', 'admin'] as const) {
      const d = v.notifications.digest[who];
      if (d.enabled && !d.channels.length)
        ctx.addIssue({ code: 'custom', path: ['notifications', 'digest', who, 'channels'], message: 'Choose at least one channel for an enabled digest.' });
    }
    const admin = v.notifications.digest.admin;
    if (admin.enabled && admin.channels.includes('email') && !admin.recipients.length)
      ctx.addIssue({
        code: 'custom',
        path: ['notifications', 'digest', 'admin', 'recipients'],
        message: 'Add at least one recipient for the admin digest by Email.',
      });
    if (new Set(admin.recipients.map((r) => r.toLowerCase())).size !== admin.recipients.length)
      ctx.addIssue({ code: 'custom', path: ['notifications', 'digest', 'admin', 'recipients'], message: 'A digest recipient is listed twice; keep one.' });
  });
export type AccountSettings = z.infer<typeof accountSettingsBody>;

export const accountSettingsView = z.object({
  notifications: notificationSettings,
  approverDomains: z.array(z.string()),
  uniqueAttributes: z.array(z.enum(UNIQUE_ATTRIBUTES)),
  privacy: privacySettings,
  updatedAt: z.string().nullable(),
  updatedBy: z.string().nullable(),
  /** The choices the page offers (labels as the product shows them). */
  choices: z.object({
    obfuscatableAttributes: z.array(z.object({ value: z.enum(OBFUSCATABLE_ATTRIBUTES), label: z.string() })),
    channels: z.array(z.object({ value: z.enum(CHANNELS), label: z.string() })),
    uniqueAttributes: z.array(z.object({ value: z.enum(UNIQUE_ATTRIBUTES), label: z.string() })),
  }),
});
export type AccountSettingsView = z.infer<typeof accountSettingsView>;

/** New orgs: a week to answer, digests off until an admin picks recipients, nothing obfuscated. */
export const DEFAULT_SETTINGS: AccountSettings = {
  notifications: {
    linkExpiryDays: { endUser: 7, manager: 7, approver: 7 },
    digest: {
      endUser: { enabled: false, channels: ['email'], frequency: 'weekly' },
      admin: { enabled: false, channels: ['email'], frequency: 'daily', recipients: [] },
    },
  },
  approverDomains: [],
  uniqueAttributes: ['email'],
  privacy: { obfuscatedAttributes: [] },
};

/* ------------------------------------------------------------------ approvers */

export const MAX_APPROVERS_PER_SAVE = 100;
const approverName = nameText().trim().min(1, 'Enter the approver name.').max(200, 'A name is at most 200 characters.');
export const approverInput = z.strictObject({ name: approverName, email: emailText });
export const addApproversBody = z.strictObject({
  approvers: z
    .array(approverInput)
    .min(1, 'Add at least one approver.')
    .max(MAX_APPROVERS_PER_SAVE, `Save at most ${MAX_APPROVERS_PER_SAVE} approvers at a time.`),
});
export const updateApproverBody = z.strictObject({ name: approverName.optional(), email: emailText.optional() });
export type ApproverInput = z.infer<typeof approverInput>;
export type UpdateApproverBody = z.infer<typeof updateApproverBody>;

export const approverView = z.object({ id: z.number(), name: z.string(), email: z.string(), createdAt: z.string(), updatedAt: z.string() });
export type ApproverView = z.infer<typeof approverView>;
export const approversQuery = z.strictObject({ ...pageQuery, search: text().trim().max(200).optional() });
export const approversPage = paged(approverView);
export const approversAdded = z.object({ items: z.array(approverView) });

/* ------------------------------------------------------------------ user attributes */

export const MAX_ATTRIBUTE_ROWS = 10_000;
export const ATTRIBUTE_COLUMNS = ['email', 'name', 'manager email', 'department', 'employee id'] as const;

export const userAttributeView = z.object({
  id: z.number(),
  email: z.string(),
  name: z.string().nullable(),
  managerEmail: z.string().nullable(),
  department: z.string().nullable(),
  employeeId: z.string().nullable(),
  updatedAt: z.string(),
});
export type UserAttributeView = z.infer<typeof userAttributeView>;
export const userAttributesQuery = z.strictObject({ ...pageQuery, search: text().trim().max(200).optional() });
export const userAttributesPage = paged(userAttributeView);

export const attributeImportBody = z.strictObject({
  csv: text().min(1, 'The file is empty.').max(4_000_000, 'The file is larger than 4 MB; split it into smaller files.'),
  fileName: nameText().trim().max(255).optional(),
});
export type AttributeImportBody = z.infer<typeof attributeImportBody>;

export const ROW_RESULTS = ['added', 'updated', 'unchanged', 'error'] as const;
export type RowResult = (typeof ROW_RESULTS)[number];

export const rowError = z.object({ line: z.number(), email: z.string(), message: z.string() });
export const validationResult = z.object({ total: z.number(), valid: z.number(), errors: z.array(rowError).describe('First 1,000 problems') });
export type ValidationResult = z.infer<typeof validationResult>;

export const IMPORT_STATUSES = ['queued', 'running', 'done', 'failed'] as const;
export const attributeImportView = z.object({
  id: z.number(),
  fileName: z.string().nullable(),
  status: z.enum(IMPORT_STATUSES),
  total: z.number(),
  processed: z.number(),
  counts: z.object({ added: z.number(), updated: z.number(), unchanged: z.number(), error: z.number() }),
  error: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});
export type AttributeImportView = z.infer<typeof attributeImportView>;
export const attributeImportsPage = paged(attributeImportView);
export const importsQuery = z.strictObject(pageQuery);
