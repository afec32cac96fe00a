import { z } from 'zod';

/** One Audit Logs row with its before/after (secrets already redacted when written). */
export const auditEntry = z.object({
  id: z.number(),
  createdAt: z.string(),
  action: z.string(),
  module: z.string(),
  resource: z.string(),
  resourceId: z.string().nullable(),
  adminId: z.number().nullable(),
  actor: z.string(),
  changeNotes: z.string(),
  before: z.unknown(),
  after: z.unknown(),
});
export type AuditEntry = z.infer<typeof auditEntry>;

/** Values for the Admin, Module and Resource filters. */
export const auditFacets = z.object({
  modules: z.array(z.string()),
  resources: z.array(z.string()),
  admins: z.array(z.object({ id: z.number(), actor: z.string() })),
});
export type AuditFacets = z.infer<typeof auditFacets>;
