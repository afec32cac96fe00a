import { z } from 'zod';

/**
 * Stricter than the specs: Jira's create-issue `fields` is free-form and every ServiceNow body
 * schema is `{}`, so the bodies we send are pinned down here (ticketing-apis.md §1.4, §2.3).
 */

const linkMark = z.object({ type: z.literal('link'), attrs: z.object({ href: z.url() }).strict() }).strict();
const adfText = z.object({ type: z.literal('text'), text: z.string().min(1), marks: z.array(linkMark).optional() }).strict();
const adfHardBreak = z.object({ type: z.literal('hardBreak') }).strict();
const adfParagraph = z.object({ type: z.literal('paragraph'), content: z.array(z.union([adfText, adfHardBreak])).min(1) }).strict();
export const adfDoc = z.object({ type: z.literal('doc'), version: z.literal(1), content: z.array(adfParagraph) }).strict();

const label = z.string().regex(/^\S+$/, 'labels cannot contain spaces').max(255);

export const jiraCreateIssueBody = z
  .object({
    fields: z
      .object({
        project: z.union([z.object({ key: z.string().regex(/^[A-Z][A-Z0-9_]*$/) }).strict(), z.object({ id: z.string().regex(/^\d+$/) }).strict()]),
        issuetype: z.object({ id: z.string().regex(/^\d+$/) }).strict(),
        summary: z
          .string()
          .min(1)
          .max(255)
          .regex(/^[^\r\n]*$/),
        description: adfDoc,
        assignee: z.object({ accountId: z.string().min(1) }).strict(),
        labels: z.array(label).min(1),
      })
      .catchall(z.unknown()),
  })
  .strict();

export const jiraCommentBody = z.object({ body: adfDoc }).strict();

export const jiraSearchBody = z
  .object({
    // Bounded: looking up by the marker label, or status sync's batch of issue keys.
    jql: z.string().regex(/labels = "[^"\s]+"|^key in \([A-Z][A-Z0-9_]*-\d+(, [A-Z][A-Z0-9_]*-\d+){0,99}\)$/),
    fields: z.array(z.string()).min(1),
    maxResults: z.number().int().min(1).max(100),
  })
  .strict();

const sysId = z.string().regex(/^[0-9a-f]{32}$/, 'reference fields take a 32-hex sys_id');

export const serviceNowIncidentBody = z
  .object({
    short_description: z.string().min(1).max(160),
    description: z.string(),
    assigned_to: sysId,
    correlation_id: z.string().regex(/^[\w.:-]{1,100}$/),
    correlation_display: z.string().min(1).max(100),
    // Choice fields take their values as strings: 1 (high) … 3 (low).
    urgency: z.enum(['1', '2', '3']).optional(),
    impact: z.enum(['1', '2', '3']).optional(),
  })
  .strict();

/** An incident update: a work note, or a reopen (state In Progress). */
export const serviceNowUpdateBody = z.union([z.object({ work_notes: z.string().min(1) }).strict(), z.object({ state: z.literal('2') }).strict()]);

export const serviceNowTokenRequest = z.discriminatedUnion('grant_type', [
  z.object({ grant_type: z.literal('password'), client_id: z.string(), client_secret: z.string(), username: z.string(), password: z.string() }).strict(),
  z.object({ grant_type: z.literal('refresh_token'), client_id: z.string(), client_secret: z.string(), refresh_token: z.string() }).strict(),
]);
