import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError } from './errors.js';

function send(reply: FastifyReply, status: number, code: string, message: string, details?: unknown) {
  return reply.status(status).send({ error: { code, message, ...(details === undefined ? {} : { details }), requestId: reply.request.id } });
}

/** One error shape for the whole API: `{ error: { code, message, details?, requestId } }`, never a stack trace. */
export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    if (err instanceof AppError) return send(reply, err.statusCode, err.code, err.message, err.details);
    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => {
        const where = (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.');
        const params = v.params as { issue?: { code?: string; keys?: string[] } } | undefined;
        const keys = params?.issue?.keys;
        const message = keys?.length ? `Unknown field(s): ${keys.join(', ')}` : v.message;
        return { in: err.validationContext, field: where || null, message };
      });
      const first = issues[0];
      const summary = first ? `${first.field ? `${first.field}: ` : ''}${first.message}` : 'Invalid request.';
      return send(reply, 400, 'validation_failed', `Invalid ${err.validationContext ?? 'request'} — ${summary}`, issues);
    }
    if (isResponseSerializationError(err)) {
      request.log.error({ err: { message: err.message, cause: String(err.cause) } }, 'response did not match its schema');
      return send(reply, 500, 'internal', 'Something went wrong on our side. Try again; if it persists, check the server log.');
    }
    const status = err.statusCode ?? 500;
    if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err instanceof SyntaxError && status === 400))
      return send(reply, 400, 'malformed_json', 'The request body is not valid JSON.');
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return send(reply, 413, 'body_too_large', 'The request body is larger than 1 MiB.');
    if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return send(reply, 415, 'unsupported_media_type', 'Send the request body as application/json.');
    if (err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return send(reply, 400, 'empty_body', 'The request body is empty; send a JSON object.');
    if (status >= 400 && status < 500) return send(reply, status, 'bad_request', err.message);
    request.log.error({ err }, 'unhandled error');
    return send(reply, 500, 'internal', 'Something went wrong on our side. Try again; if it persists, check the server log.');
  });
  app.setNotFoundHandler((request, reply) => {
    if (looksLikeApiCall(request.url)) return send(reply, 404, 'not_found', `No API route ${request.method} ${request.url.split('?')[0]}.`);
    return send(reply, 404, 'not_found', 'Not found.');
  });
}

/**
 * Paths a script or scraper would call (ours, the compatible API's, a metrics scraper's): an
 * unknown one answers a JSON 404, never the web app's HTML, so the caller sees the mistake.
 */
export function looksLikeApiCall(url: string): boolean {
  return /^\/(api|dlp|v1|metrics)(\/|\?|$)/.test(url);
}
