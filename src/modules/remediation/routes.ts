import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { tooManyRequests } from '../../platform/http/errors.js';
import { idParam } from '../../platform/http/pagination.js';
import { PUBLIC, requires } from '../../platform/http/route-config.js';
import { LoginLimiter } from '../auth/login-limiter.js';
import { bulkResult } from '../incidents/schemas.js';
import {
  bulkNotifyBody,
  escalateBody,
  notifyBody,
  notifyResult,
  remediationOptions,
  remediationView,
  surveyAnswer,
  surveyAnswered,
  surveyView,
  tokenParam,
} from './schemas.js';
import type { RemediationService } from './service.js';

const TAGS = ['Remediation'];
const EDIT = requires('Incidents', 'edit');
const VIEW = requires('Incidents', 'view');

/** A survey answer is a choice and a reason: anything bigger is not one. */
const SURVEY_BODY_LIMIT = 16 * 1024;
/** Reads and answers through one link, and through one address, per minute. */
const PER_TOKEN_PER_MINUTE = 20;
const PER_ADDRESS_PER_MINUTE = 120;

export function remediationRoutes(svc: RemediationService): FastifyPluginAsyncZod {
  return async (app) => {
    app.post('/incidents/:id/notify-user', {
      config: EDIT,
      schema: {
        tags: TAGS,
        summary: 'Notify User: send the justification survey to the incident’s user (status → Validating with User)',
        description:
          'Creates a single-use survey link, enqueues the message on email (and the chat connections picked) and moves the incident, in one transaction. ' +
          'A 409 when the incident already waits for an answer to an open justification survey.',
        params: idParam,
        body: notifyBody,
        response: { 201: notifyResult },
      },
      handler: async (req, reply) => reply.code(201).send(await svc.notifyUser(req.principal!, req.params.id, req.body)),
    });

    app.post('/incidents/bulk/notify-user', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Notify User on several incidents, with a result per incident', body: bulkNotifyBody, response: { 200: bulkResult } },
      handler: async (req) => svc.bulkNotifyUser(req.principal!, req.body),
    });

    app.post('/incidents/:id/escalate', {
      config: EDIT,
      schema: {
        tags: TAGS,
        summary: 'Escalate: send the escalation survey to the user’s manager, an approver or another email (status → Escalated)',
        params: idParam,
        body: escalateBody,
        response: { 201: notifyResult },
      },
      handler: async (req, reply) => reply.code(201).send(await svc.escalate(req.principal!, req.params.id, req.body)),
    });

    app.get('/incidents/:id/remediation', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'The incident’s survey requests, responses and message deliveries', params: idParam, response: { 200: remediationView } },
      handler: async (req) => svc.view(req.principal!, req.params.id),
    });

    app.get('/incidents/:id/remediation/options', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'What Notify User and Escalate offer for the incident', params: idParam, response: { 200: remediationOptions } },
      handler: async (req) => svc.options(req.principal!, req.params.id),
    });

    await app.register(publicSurveyRoutes(svc));
  };
}

/** The survey page's API: no sign-in, the token is the only credential, bounded per token and per address. */
function publicSurveyRoutes(svc: RemediationService): FastifyPluginAsyncZod {
  return async (app) => {
    const perToken = new LoginLimiter(PER_TOKEN_PER_MINUTE, 60_000);
    const perAddress = new LoginLimiter(PER_ADDRESS_PER_MINUTE, 60_000);
    const limit = (token: string, ip: string) => {
      const wait = perAddress.hit(ip) ?? perToken.hit(token.slice(0, 64));
      if (wait !== null) throw tooManyRequests(`Too many attempts; try again in ${wait} seconds.`);
    };
    app.addHook('onSend', async (_req, reply) => {
      // The token is in the URL: keep it out of caches and of other sites' Referer headers.
      reply.header('cache-control', 'no-store');
      reply.header('referrer-policy', 'no-referrer');
    });

    app.get('/public/surveys/:token', {
      config: PUBLIC,
      schema: {
        tags: TAGS,
        summary: 'A survey as its recipient sees it (no sign-in)',
        description: '404 when the link is unknown or altered, 410 when it expired, 409 when it was already answered; none of them shows incident data.',
        params: tokenParam,
        response: { 200: surveyView },
      },
      handler: async (req) => {
        limit(req.params.token, req.ip);
        return svc.survey(req.params.token);
      },
    });

    app.post('/public/surveys/:token/answer', {
      config: PUBLIC,
      bodyLimit: SURVEY_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: 'Answer a survey (once; the answer is final)',
        params: tokenParam,
        body: surveyAnswer,
        response: { 200: surveyAnswered },
      },
      handler: async (req) => {
        limit(req.params.token, req.ip);
        return svc.answer(req.params.token, req.body);
      },
    });
  };
}
