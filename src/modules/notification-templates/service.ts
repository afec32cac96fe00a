import type { Kysely } from 'kysely';
import type { Logger } from '../../platform/log.js';
import type { AuditRecorder } from '../audit/service.js';
import { TemplateError } from './liquid.js';
import { MappingsManager } from './mappings.js';
import type { NotificationTemplatesTables } from './migrations.js';
import { renderTemplate, type RenderedMessage, type TemplateSource } from './render.js';
import { NotificationTemplatesStore, type TemplateRecord } from './store.js';
import { SurveysManager } from './surveys.js';
import { TemplatesManager, type OrgNames } from './templates.js';
import { LANGUAGES, type SurveyKind, type TemplateChannel, type TemplateFamily } from './vocabulary.js';

export type { RenderedMessage } from './render.js';
export type { SurveyTemplate } from './surveys.js';
export type { TemplateFamily } from './vocabulary.js';

/** The incident as a template sees it (notif-contract.md); already privacy-filtered by the caller. */
export type TemplateIncident = {
  id: number;
  transactionId: string;
  severity: string;
  status: string;
  sourceDlpType: string;
  sourceAction: string | null;
  dlpEngine: string | null;
  user: string | null;
  userEmail: string | null;
  department: string | null;
  destination: string | null;
  fileName: string | null;
  matchCount: number | null;
  createdAt: string;
  [k: string]: unknown;
};

export type RenderInput = {
  family: TemplateFamily;
  channel: TemplateChannel;
  language?: string;
  incident?: TemplateIncident | null;
  vars: Record<string, string | number | boolean | null | Array<Record<string, unknown>>>;
  /** Informational: the family is the Template Mappings' Notification Type (end_user = Notify User, escalation = Escalate). */
  notificationType?: string;
};

export type NotificationTemplatesDeps = {
  db: Kysely<NotificationTemplatesTables>;
  audit: AuditRecorder;
  orgs: { get(id: number): Promise<{ name: string } | undefined> };
  log: Logger;
};

/** Notification Templates, Survey Templates and Template Mappings, and `render` for the senders. */
export class NotificationTemplatesService {
  readonly templates: TemplatesManager;
  readonly mappings: MappingsManager;
  readonly surveys: SurveysManager;
  private readonly store: NotificationTemplatesStore;
  private readonly log: Logger;
  private readonly orgNames: OrgNames;

  constructor(deps: NotificationTemplatesDeps) {
    this.store = new NotificationTemplatesStore(deps.db);
    const orgNames: OrgNames = { name: async (orgId) => (await deps.orgs.get(orgId))?.name ?? 'Your organisation' };
    this.orgNames = orgNames;
    this.templates = new TemplatesManager(deps.db, this.store, deps.audit, orgNames);
    this.mappings = new MappingsManager(deps.db, this.store, deps.audit);
    this.surveys = new SurveysManager(deps.db, this.store, deps.audit);
    this.log = deps.log;
  }

  /** For the survey page (remediation module). */
  surveyTemplate<K extends SurveyKind>(orgId: number, kind: K, language?: string) {
    return this.surveys.surveyTemplate(orgId, kind, language);
  }

  /**
   * The template to send, in this order:
   * 1. the Template Mappings row for the incident (most specific) or digest type, in the asked
   *    language when that template has a published translation;
   * 2. the published template of the family and channel in the asked language;
   * 3. the mapped template itself (in its own language);
   * 4. the published English template; 5. the System Default.
   */
  async pick(orgId: number, input: Pick<RenderInput, 'family' | 'channel' | 'language' | 'incident'>): Promise<TemplateRecord[]> {
    const language = input.language && (LANGUAGES as readonly string[]).includes(input.language) ? input.language : 'en';
    const usable = await this.store.usable(orgId, input.family, input.channel);
    const mappedId = await this.mappings.mapped(orgId, input.family, input.channel, input.incident);
    const mapped = mappedId === null ? undefined : usable.find((t) => t.id === mappedId);
    const group = mapped ? (mapped.translation_of ?? mapped.id) : null;
    const order = [
      mapped && mapped.language === language ? mapped : undefined,
      group === null ? undefined : usable.find((t) => t.status === 'published' && t.language === language && (t.translation_of === group || t.id === group)),
      usable.find((t) => t.status === 'published' && t.language === language),
      mapped,
      usable.find((t) => t.status === 'published' && t.language === 'en'),
      usable.find((t) => t.status === 'system_default'),
    ];
    return [...new Set(order.filter((t): t is TemplateRecord => !!t))];
  }

  /**
   * Renders the message for a recipient. A template that passed its save-time checks can still
   * fail on real data (a limit); the next candidate (at worst the System Default) is used then,
   * so a notification is never lost to a template.
   */
  async render(orgId: number, input: RenderInput): Promise<RenderedMessage> {
    const candidates = await this.pick(orgId, input);
    const vars: Record<string, unknown> = { ...input.vars };
    if (vars.orgName === undefined || vars.orgName === null) vars.orgName = await this.orgNames.name(orgId);
    let lastError: unknown = new TemplateError('No notification template is available.');
    for (const t of candidates) {
      try {
        const source: TemplateSource = { family: t.family as TemplateFamily, channel: t.channel as TemplateChannel, subject: t.subject, body: t.body };
        return await renderTemplate(source, input.incident ?? null, vars);
      } catch (e) {
        if (!(e instanceof TemplateError)) throw e;
        this.log.warn({ orgId, templateId: t.id, err: e.message }, 'notification template failed to render; trying the next one');
        lastError = e;
      }
    }
    throw lastError;
  }
}
