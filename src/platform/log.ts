/** Paths pino blanks in every log line: credentials, cookies and tokens never reach a log. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.apiToken',
  '*.clientSecret',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.credentials',
];

/**
 * What code that logs needs: a structured line (fields, then a message) at three levels. Fastify's
 * pino logger and `console` both are one, so services take this instead of either.
 */
export interface Logger {
  info(fields: object, msg?: string): void;
  warn(fields: object, msg?: string): void;
  error(fields: object, msg?: string): void;
}
