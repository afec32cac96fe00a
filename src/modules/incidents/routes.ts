import { Readable } from 'node:stream';
import { z } from 'zod';
import { validatorCompiler, type FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { badRequest } from '../../platform/http/errors.js';
import { idParam } from '../../platform/http/pagination.js';
import { requires } from '../../platform/http/route-config.js';
import type { Principal } from '../../platform/principal.js';
import {
  MAX_BATCH,
  assignBody,
  bulkAssignBody,
  bulkCloseBody,
  bulkLabelsBody,
  bulkNotesBody,
  bulkPriorityBody,
  bulkResult,
  closeBody,
  countsQuery,
  countsResponse,
  detailQuery,
  duplicatesPage,
  duplicatesQuery,
  eventsResponse,
  filterOptions,
  filtersQuery,
  incidentDetail,
  incidentListItem,
  incidentPage,
  ingestBatchResult,
  ingestBody,
  ingestItemResult,
  labelsBody,
  listQuery,
  notesBody,
  priorityBody,
  requiredNotesBody,
  type BulkResult,
  type IncidentDetail,
} from './schemas.js';
import type { IncidentsService } from './service.js';
import { resolveRange } from './queries.js';
import { maskListItem } from './privacy.js';

const TAGS = ['Incidents'];
const EDIT = requires('Incidents', 'edit');
const VIEW = requires('Incidents', 'view');

/** What the ingest route checks before the service validates each incident. */
const ingestEnvelope = z.record(z.string(), z.unknown());

/** Big enough for 1,000 richly described incidents. */
const INGEST_BODY_LIMIT = 16 * 1024 * 1024;

export function incidentsRoutes(incidents: IncidentsService): FastifyPluginAsyncZod {
  return async (app) => {
    const svc = incidents;

    app.post('/incidents', {
      config: EDIT,
      bodyLimit: INGEST_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: 'Ingest one incident, or a batch `{ incidents: [...] }` of up to 1,000',
        description:
          'Idempotent on transactionId within the organization: a repeat returns the existing incident and changes nothing. ' +
          'A single invalid incident is a 400 naming the field; in a batch each item is validated on its own (207 when some were rejected, 400 when all were).',
        body: ingestBody,
        response: {
          200: z.union([ingestBatchResult, ingestItemResult.extend({ incident: incidentListItem })]),
          201: ingestItemResult.extend({ incident: incidentListItem }),
          207: ingestBatchResult,
        },
      },
      // `ingestBody` above is the contract the OpenAPI document shows. The items are validated one by
      // one in the service instead (a batch answers per item; a single incident's 400 names its
      // field), so the route itself only checks that the body is a JSON object (the body is the only
      // part this route has a schema for).
      validatorCompiler: ({ method, url, httpPart }) => validatorCompiler({ schema: ingestEnvelope, method, url, httpPart }),
      handler: async (req, reply) => {
        const body: Record<string, unknown> = req.body;
        if ('incidents' in body) {
          const items = body.incidents;
          if (!Array.isArray(items) || items.length === 0)
            throw badRequest('incidents: send a non-empty array of incidents.', [{ field: 'incidents', message: 'Expected a non-empty array.' }]);
          if (items.length > MAX_BATCH)
            throw badRequest(`incidents: send at most ${MAX_BATCH} incidents per request (got ${items.length}).`, [
              { field: 'incidents', message: 'Too many items.' },
            ]);
          const extra = Object.keys(body).filter((k) => k !== 'incidents');
          if (extra.length) throw badRequest(`Unknown field(s): ${extra.join(', ')}`, [{ field: extra[0], message: 'Unknown field.' }]);
          const res = await svc.ingestBatch(req.principal!, items);
          if (res.rejected === res.results.length) {
            throw badRequest(
              `All ${res.rejected} incidents were rejected — ${res.results[0].errors?.[0]?.field}: ${res.results[0].errors?.[0]?.message}`,
              res.results,
            );
          }
          return reply.status(res.rejected ? 207 : 200).send(res);
        }
        const res = await svc.ingestOne(req.principal!, body);
        const incident = await svc.detail(req.principal!.orgId, res.id!);
        const { details, notes, currentState, resolution, duplicateParent, events, previousId, nextId, ...item } = incident;
        return reply.status(res.result === 'created' ? 201 : 200).send({ ...res, incident: item });
      },
    });

    app.get('/incidents', {
      config: VIEW,
      schema: {
        tags: TAGS,
        summary: 'List incidents (keyset pages, filters, search, sort; optional count widgets)',
        querystring: listQuery,
        response: { 200: incidentPage },
      },
      handler: async (req) => {
        const [page, hidden] = await Promise.all([svc.list(req.principal!.orgId, req.query), svc.privacyHooks.hiddenFor(req.principal!)]);
        return hidden.size ? { ...page, items: page.items.map((i) => maskListItem(i, hidden)) } : page;
      },
    });

    app.get('/incidents/counts', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'Count widgets over a time range (default: current week)', querystring: countsQuery, response: { 200: countsResponse } },
      handler: async (req) => {
        const range = resolveRange(req.query);
        return { range, counts: await svc.counts(req.principal!.orgId, range) };
      },
    });

    app.get('/incidents/filter-options', {
      config: VIEW,
      schema: {
        tags: TAGS,
        summary: 'Predefined values for the Filters window and the action dialogs (DLP admins, labels…)',
        response: { 200: filterOptions },
      },
      handler: async (req) => svc.filterOptions(req.principal!.orgId),
    });

    app.get('/incidents/export.csv', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'CSV of the filtered set (streamed; same parameters as the list)', querystring: filtersQuery, produces: ['text/csv'] },
      handler: async (req, reply) => {
        // Validate parameters (range, transaction ids) before the first byte goes out.
        const q = req.query;
        if (q.search && q.searchMode === 'transactionId') {
          if (
            new Set(
              q.search
                .split(',')
                .map((x) => x.trim())
                .filter(Boolean),
            ).size > 10
          ) {
            throw badRequest('search: search by at most 10 transaction IDs at a time.', [{ field: 'search', message: 'Too many transaction IDs.' }]);
          }
        } else resolveRange(q);
        const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-');
        reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="incidents-${stamp}.csv"`)
          .header('cache-control', 'no-store');
        const hidden = await svc.privacyHooks.hiddenFor(req.principal!);
        return reply.send(Readable.from(svc.exportCsv(req.principal!.orgId, req.query, hidden)));
      },
    });

    app.get('/incidents/:id', {
      config: VIEW,
      schema: {
        tags: TAGS,
        summary: 'Incident Details (pass the list parameters to get Next / Previous Incident)',
        params: idParam,
        querystring: detailQuery,
        response: { 200: incidentDetail },
      },
      handler: async (req) => svc.privacyHooks.detail(req.principal!, await svc.detail(req.principal!.orgId, req.params.id, req.query)),
    });

    app.get('/incidents/:id/events', {
      config: VIEW,
      schema: { tags: TAGS, summary: 'State Changes, newest first', params: idParam, response: { 200: eventsResponse } },
      handler: async (req) => ({ items: await svc.events(req.principal!.orgId, req.params.id) }),
    });

    app.get('/incidents/:id/evidence', {
      config: VIEW,
      schema: {
        tags: TAGS,
        summary: 'The evidence the DLP engine sent with the incident, as an XML file download (404 when it sent none)',
        params: idParam,
        produces: ['application/xml'],
      },
      handler: async (req, reply) => {
        const file = await svc.evidenceFile(req.principal!.orgId, req.params.id);
        // The content is what the DLP engine caught: never cached by a browser or a proxy.
        return reply
          .header('content-disposition', `attachment; filename="${file.downloadName}"`)
          .header('cache-control', 'no-store')
          .header('x-content-type-options', 'nosniff')
          .type('application/xml; charset=utf-8')
          .send(file.xml);
      },
    });

    app.get('/incidents/:id/duplicates', {
      config: VIEW,
      schema: {
        tags: TAGS,
        summary: 'Duplicate Incidents of a parent incident',
        params: idParam,
        querystring: duplicatesQuery,
        response: { 200: duplicatesPage },
      },
      handler: async (req) => svc.duplicates(req.principal!.orgId, req.params.id, req.query.page, req.query.pageSize),
    });

    const action = <B extends z.ZodType>(
      path: string,
      summary: string,
      body: B,
      run: (req: { principal: Principal; id: number; body: z.infer<B> }) => Promise<IncidentDetail>,
    ) =>
      app.post(`/incidents/:id/${path}`, {
        config: EDIT,
        schema: { tags: TAGS, summary, params: idParam, body, response: { 200: incidentDetail } },
        handler: async (req) =>
          svc.privacyHooks.detail(req.principal!, await run({ principal: req.principal!, id: req.params.id, body: req.body as z.infer<B> })),
      });

    action('close', 'Close Incident → Resolved', closeBody, (r) => svc.close(r.principal, r.id, r.body));
    action('investigating', 'Investigating → Investigating', notesBody, (r) => svc.investigating(r.principal, r.id, r.body.notes));
    action('reopen', 'Reopen (Resolved → Investigating)', notesBody, (r) => svc.reopen(r.principal, r.id, r.body.notes));
    action('assign-to-me', 'Assign to Me', notesBody, (r) => svc.assignToMe(r.principal, r.id, r.body.notes));
    action('assign', 'Assign DLP Admin', assignBody, (r) => svc.assign(r.principal, r.id, r.body.adminId, r.body.notes));
    action('priority', 'Assign Priority', priorityBody, (r) => svc.priority(r.principal, r.id, r.body.priority, r.body.notes));
    action('labels', 'Label (replace, or add with mode=add)', labelsBody, (r) => svc.setLabels(r.principal, r.id, r.body.labels, r.body.mode, r.body.notes));
    action('notes', 'Notes (kept on the incident and logged in State Changes)', requiredNotesBody, (r) => svc.addNotes(r.principal, r.id, r.body.notes));

    app.delete('/incidents/:id', {
      config: requires('Incidents', 'delete'),
      schema: { tags: TAGS, summary: 'Delete an incident permanently (not logged in State Changes)', params: idParam, response: { 204: z.null() } },
      handler: async (req, reply) => {
        await svc.delete(req.principal!, req.params.id);
        return reply.status(204).send(null);
      },
    });

    const bulk = <B extends z.ZodType>(path: string, summary: string, body: B, run: (p: Principal, b: z.infer<B>) => Promise<BulkResult>) =>
      app.post(`/incidents/bulk/${path}`, {
        config: EDIT,
        schema: { tags: TAGS, summary: `Bulk: ${summary} (per-id results)`, body, response: { 200: bulkResult } },
        handler: async (req) => run(req.principal!, req.body as z.infer<B>),
      });
    bulk('assign-to-me', 'Assign to Me', bulkNotesBody, (p, b) => svc.bulk.assignToMe(p, b.ids, b.notes));
    bulk('assign', 'Assign DLP Admin', bulkAssignBody, (p, b) => svc.bulk.assign(p, b.ids, b.adminId, b.notes));
    bulk('priority', 'Assign Priority', bulkPriorityBody, (p, b) => svc.bulk.priority(p, b.ids, b.priority, b.notes));
    bulk('investigating', 'Investigating', bulkNotesBody, (p, b) => svc.bulk.investigating(p, b.ids, b.notes));
    bulk('close', 'Close Incident', bulkCloseBody, (p, b) => svc.bulk.close(p, b.ids, b));
    bulk('labels', 'Add Labels', bulkLabelsBody, (p, b) => svc.bulk.labels(p, b.ids, b.labels, b.notes));
  };
}
