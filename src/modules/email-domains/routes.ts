import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import { domainTestEmailBody, domainTestEmailResult, emailDomainCreate, emailDomainList, emailDomainView } from './schemas.js';
import type { EmailDomainsService } from './service.js';

const TAGS = ['Custom email domains'];
const VIEW = requires('Account Settings', 'view');
const EDIT = requires('Account Settings', 'edit');

/** Setup > Custom Email Domains (contract in schemas.ts). */
export function emailDomainsRoutes(svc: EmailDomainsService): FastifyPluginAsyncZod {
  return async (app) => {
    app.get('/email-domains', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'Custom email domains and the default sender', response: { 200: emailDomainList } },
      handler: async (req) => svc.list(req.principal!.orgId),
    });
    app.post('/email-domains', {
      config: EDIT,
      schema: {
        tags: TAGS,
        summary: 'Add a domain: generates its DKIM key pair and the DNS records to publish within 72 hours',
        description:
          'The envelope sender domain must be a subdomain of the domain and the originating address must be in the domain. The DKIM private key is sealed at rest and never returned.',
        body: emailDomainCreate,
        response: { 201: emailDomainView },
      },
      handler: async (req, reply) => reply.status(201).send(await svc.create(req.principal!, req.body)),
    });
    app.get('/email-domains/:id', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'One custom email domain with its DNS records', params: idParam, response: { 200: emailDomainView } },
      handler: async (req) => svc.get(req.principal!.orgId, req.params.id),
    });
    app.delete('/email-domains/:id', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Delete a domain that is not in use', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await svc.delete(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });
    app.post('/email-domains/:id/verify', {
      config: EDIT,
      schema: {
        tags: TAGS,
        summary: 'Look the DNS records up now',
        description: 'Success when every record matches; Failed with a reason naming each missing or mismatched record. 409 once the records expired.',
        params: idParam,
        response: { 200: emailDomainView },
      },
      handler: async (req) => svc.verify(req.principal!, req.params.id),
    });
    app.post('/email-domains/:id/regenerate', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Regenerate DNS records: a new key pair and token, valid 72 hours', params: idParam, response: { 200: emailDomainView } },
      handler: async (req) => svc.regenerate(req.principal!, req.params.id),
    });
    app.post('/email-domains/:id/test-email', {
      config: EDIT,
      schema: {
        tags: TAGS,
        summary: 'Send a test email from a verified domain',
        params: idParam,
        body: domainTestEmailBody,
        response: { 202: domainTestEmailResult },
      },
      handler: async (req, reply) => reply.status(202).send(await svc.sendTestEmail(req.principal!, req.params.id, req.body.to)),
    });
    app.post('/email-domains/:id/make-default', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Make Default: notification mail is sent from this verified domain', params: idParam, response: { 200: emailDomainView } },
      handler: async (req) => svc.makeDefault(req.principal!, req.params.id),
    });
    app.post('/email-domains/revert-default', {
      config: EDIT,
      schema: { tags: TAGS, summary: 'Revert to the default domain (the server sender)', response: { 200: emailDomainList } },
      handler: async (req) => svc.revertDefault(req.principal!),
    });
  };
}
