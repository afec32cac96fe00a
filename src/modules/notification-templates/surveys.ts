import type { Kysely } from 'kysely';
import { nowIso } from '../../platform/db/database.js';
import { badRequest } from '../../platform/http/errors.js';
import type { Principal } from '../../platform/principal.js';
import type { AuditRecorder } from '../audit/service.js';
import { DEFAULT_SURVEYS, type EndUserSurveyTexts, type EscalationSurveyTexts } from './defaults.js';
import type { NotificationTemplatesTables } from './migrations.js';
import { endUserSurveyTexts, escalationSurveyTexts, type SurveyView } from './schemas.js';
import type { NotificationTemplatesStore, SurveyRecord } from './store.js';
import { LANGUAGE_LABELS, LANGUAGES, SURVEY_KIND_LABELS, SURVEY_KINDS, type Language, type SurveyKind } from './vocabulary.js';

const MODULE = 'Survey Templates';
const RESOURCE = 'Survey Template';

export type SurveyTemplate<K extends SurveyKind = SurveyKind> = {
  kind: K;
  language: string;
  texts: K extends 'end_user' ? EndUserSurveyTexts : EscalationSurveyTexts;
};

function parseTexts(kind: SurveyKind, json: string): Record<string, string> {
  // Saved texts were complete when saved; merging over the defaults keeps them complete if a text is added later.
  return { ...DEFAULT_SURVEYS[kind], ...(JSON.parse(json) as Record<string, string>) };
}

function view(kind: SurveyKind, language: string, r: SurveyRecord | undefined): SurveyView {
  return {
    kind,
    family: SURVEY_KIND_LABELS[kind],
    type: 'Questionnaire',
    language,
    customised: !!r,
    texts: r ? parseTexts(kind, r.texts) : { ...DEFAULT_SURVEYS[kind] },
    updatedAt: r?.updated_at ?? null,
    updatedBy: r?.updated_by ?? null,
  };
}

/** Survey Templates: the questionnaire texts per kind and language; English falls back to the built-in texts. */
export class SurveysManager {
  constructor(
    private readonly db: Kysely<NotificationTemplatesTables>,
    private readonly store: NotificationTemplatesStore,
    private readonly audit: AuditRecorder,
  ) {}

  /** Both English questionnaires (saved or built-in) and every saved translation. */
  async list(orgId: number): Promise<SurveyView[]> {
    const rows = await this.store.surveys(orgId);
    const out: SurveyView[] = [];
    for (const kind of SURVEY_KINDS) {
      for (const language of LANGUAGES) {
        const r = rows.find((x) => x.kind === kind && x.language === language);
        if (r || language === 'en') out.push(view(kind, language, r));
      }
    }
    return out;
  }

  async get(orgId: number, kind: SurveyKind, language: Language): Promise<SurveyView> {
    return view(kind, language, await this.store.survey(orgId, kind, language));
  }

  /**
   * For the survey page: the texts in the language asked for, else the org's English texts, else
   * the built-in ones. The answer values stay the fixed keys (False Positive, Manager Approved,
   * Others; approve/reject) whatever the labels say.
   */
  async surveyTemplate<K extends SurveyKind>(orgId: number, kind: K, language = 'en'): Promise<SurveyTemplate<K>> {
    const wanted = (LANGUAGES as readonly string[]).includes(language) ? language : 'en';
    const r = (await this.store.survey(orgId, kind, wanted)) ?? (wanted !== 'en' ? await this.store.survey(orgId, kind, 'en') : undefined);
    const texts = r ? parseTexts(kind, r.texts) : { ...DEFAULT_SURVEYS[kind] };
    return { kind, language: r?.language ?? 'en', texts } as SurveyTemplate<K>;
  }

  async save(actor: Principal, kind: SurveyKind, language: Language, texts: unknown): Promise<SurveyView> {
    const parsed = (kind === 'end_user' ? endUserSurveyTexts : escalationSurveyTexts).safeParse(texts);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = ['texts', ...issue.path.map(String)].join('.');
      throw badRequest(`${field}: ${issue.message} The ${SURVEY_KIND_LABELS[kind]} has these texts: ${Object.keys(DEFAULT_SURVEYS[kind]).join(', ')}.`, [
        { field, message: issue.message },
      ]);
    }
    await this.db.transaction().execute(async (trx) => {
      const before = await this.store.survey(actor.orgId, kind, language, trx);
      const now = nowIso();
      await this.store.upsertSurvey(trx, {
        org_id: actor.orgId,
        kind,
        language,
        texts: JSON.stringify(parsed.data),
        created_at: now,
        updated_at: now,
        updated_by: actor.label,
      });
      await this.audit.record(trx, actor, {
        action: before ? 'Update' : 'Insert',
        module: MODULE,
        resource: RESOURCE,
        resourceId: `${kind}:${language}`,
        notes: `Saved ${SURVEY_KIND_LABELS[kind]} in ${LANGUAGE_LABELS[language]}`,
        before: before ? JSON.parse(before.texts) : undefined,
        after: parsed.data,
      });
    });
    return this.get(actor.orgId, kind, language);
  }

  /** English goes back to the built-in texts; another language's translation is removed. */
  async reset(actor: Principal, kind: SurveyKind, language: Language): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const before = await this.store.survey(actor.orgId, kind, language, trx);
      if (!before) throw badRequest(`Nothing is saved for the ${SURVEY_KIND_LABELS[kind]} in ${LANGUAGE_LABELS[language]}; it already uses the default texts.`);
      await this.store.deleteSurvey(trx, actor.orgId, kind, language);
      await this.audit.record(trx, actor, {
        action: 'Delete',
        module: MODULE,
        resource: RESOURCE,
        resourceId: `${kind}:${language}`,
        notes:
          language === 'en' ? `Reset ${SURVEY_KIND_LABELS[kind]} to the default texts` : `Removed the ${LANGUAGE_LABELS[language]} ${SURVEY_KIND_LABELS[kind]}`,
        before: JSON.parse(before.texts),
      });
    });
  }
}
