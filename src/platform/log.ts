/** Paths pino blanks in every log line: credentials, cookies and tokens never reach a log. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers["x-wfa-webhook-secret"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.apiToken',
  '*.clientSecret',
  '*.accessToken',
  '*.refreshToken',
  '*.secret',
  '*.credentials',
];
