import type { FastifyError, FastifyReply } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ZodError } from 'zod';
import { AppError } from '../../platform/http/errors.js';

/**
 * Errors in the vendor's shape: `{code, message, internalMessage}` with Content-Type JSON (one
 * vendor client reads `code`/`message`, the vendor's own examples carry `internalMessage`).
 */
export function sendError(reply: FastifyReply, status: number, code: string, message: string) {
  return reply.status(status).type('application/json').send({ code, message, internalMessage: message });
}

/** `bad_request` → `BAD_REQUEST`. */
const upperSnake = (code: string) => code.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase();

/** A zod failure as one sentence naming the field: `fields.0.name: name is required`. */
export function zodMessage(where: string, e: ZodError): string {
  const first = e.issues[0];
  const path = first?.path.length ? `${first.path.join('.')}: ` : '';
  return `Invalid ${where} — ${path}${first?.message ?? 'invalid value'}`;
}

export function compatErrorHandler(err: FastifyError, reply: FastifyReply) {
  if (err instanceof AppError) return sendError(reply, err.statusCode, upperSnake(err.code), err.message);
  if (err instanceof ZodError) return sendError(reply, 400, 'BAD_REQUEST', zodMessage('request', err));
  if (hasZodFastifySchemaValidationErrors(err)) return sendError(reply, 400, 'BAD_REQUEST', `Invalid request — ${err.message}`);
  const status = err.statusCode ?? 500;
  if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || (err instanceof SyntaxError && status === 400))
    return sendError(reply, 400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
  if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, 413, 'BODY_TOO_LARGE', 'The request body is larger than 1 MiB.');
  if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return sendError(reply, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json.');
  if (status >= 400 && status < 500) return sendError(reply, status, 'BAD_REQUEST', err.message);
  reply.request.log.error({ err }, 'unhandled error in the compatible API');
  // Never the text some vendor clients turn into a "use the other API" error: a plain sentence.
  return sendError(reply, 500, 'INTERNAL_ERROR', 'Something went wrong on our side. Try again; if it persists, check the server log.');
}
