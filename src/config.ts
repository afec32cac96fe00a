import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';

/** Raised when an environment variable has a value we cannot use; names the variable. */
export class ConfigError extends Error {}

const bool = z.enum(['true', 'false', '1', '0', 'yes', 'no']).transform((v) => v === 'true' || v === '1' || v === 'yes');

/**
 * A whole number written plainly: `z.coerce.number()` alone accepted `0x50`, `1e3` and ` 80 `,
 * and its NaN message did not say what to write. The upper bounds keep dates computable
 * (a huge session TTL made every sign-in fail with a RangeError).
 */
function wholeNumber(min: number, max: number) {
  return z
    .string()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `must be a whole number from ${min} to ${max}`).max(max, `must be a whole number from ${min} to ${max}`));
}
const MINUTES_PER_YEAR = 525_600;

const envSchema = z.object({
  PORT: wholeNumber(0, 65535).default(8080),
  HOST: z.string().trim().min(1, 'must be a host name or address').default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .refine((v) => /^postgres(ql)?:\/\/./.test(v) || /^sqlite:\S/.test(v), {
      message: 'must start with postgres:// (PostgreSQL) or sqlite: followed by a SQLite file path',
    })
    .optional(),
  WFA_DATA_DIR: z.string().trim().min(1, 'must be a folder path').default('./data'),
  WFA_SECRET_KEY: z
    .string()
    .refine((v) => decodeKey(v) !== null, {
      message: 'must be 32 bytes as 64 hex characters or base64 (generate one with `openssl rand -base64 32`)',
    })
    .optional(),
  // http(s) only: the URL becomes links in the UI and in tickets, where javascript: would be a hole.
  WFA_PUBLIC_URL: z.url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL such as https://wfa.example.com' }).optional(),
  WFA_ALLOW_PRIVATE_TARGETS: bool.default(false),
  WFA_SESSION_TTL_MINUTES: wholeNumber(1, MINUTES_PER_YEAR).default(480),
  WFA_LOGIN_MAX_FAILURES: wholeNumber(1, 1000).default(5),
  WFA_LOGIN_LOCKOUT_MINUTES: wholeNumber(1, MINUTES_PER_YEAR).default(15),
  WFA_WORKER: bool.default(true),
  // Job queue timing. The defaults suit production; tests shorten them to exercise crashes quickly.
  WFA_JOB_POLL_MS: wholeNumber(10, 60_000).default(500),
  WFA_JOB_LEASE_SECONDS: wholeNumber(2, 86_400).default(30),
  WFA_JOB_BACKOFF_MS: wholeNumber(10, 3_600_000).default(5_000),
  WFA_JOB_BACKOFF_MAX_MS: wholeNumber(10, 24 * 3_600_000).default(3_600_000),
  WFA_JOB_CONCURRENCY: wholeNumber(1, 256).default(4),
  // Jira's search index may lag a new issue by seconds to minutes: after a create whose answer was
  // lost, the marker is searched for this long before another create is sent.
  WFA_TICKET_MARKER_WINDOW_MS: wholeNumber(0, 24 * 3_600_000).default(120_000),
  // Transient failures (429, 5xx, outages) of a ticket creation are retried until this deadline.
  WFA_TICKET_CREATE_DEADLINE_MS: wholeNumber(1_000, 30 * 24 * 3_600_000).default(6 * 3_600_000),
  // Outgoing mail: smtp:// (STARTTLS when the server offers it) or smtps:// (TLS from the start), with
  // the account in the URL (smtp://user:password@host:587). The password is never echoed.
  WFA_SMTP_URL: z
    .string()
    .refine((v) => parseSmtpUrl(v) !== null, {
      message: 'must be smtp://[user:password@]host[:port] or smtps://[user:password@]host[:port] (user and password URL-encoded)',
    })
    .optional(),
  WFA_SMTP_FROM: z
    .string()
    .trim()
    .refine((v) => isPlainEmailAddress(v), { message: 'must be one email address such as alerts@example.com (no display name, no line breaks)' })
    .optional(),
  // Off unless set: /metrics answers 404 without a token configured, 401 to a request without it.
  WFA_METRICS_TOKEN: z
    .string()
    .regex(/^[\x21-\x7e]{16,256}$/, 'must be 16 to 256 printable characters without spaces (generate one with `openssl rand -hex 32`)')
    .optional(),
  // Where custom email domains' DNS records are looked up: comma-separated resolvers (1.1.1.1,
  // 127.0.0.1:8874, [::1]:53); unset: the system's resolvers.
  WFA_DNS_SERVERS: z
    .string()
    .refine((v) => parseDnsServers(v) !== null, { message: 'must be DNS server addresses separated by commas, such as 1.1.1.1,8.8.8.8 or 127.0.0.1:8874' })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type Config = {
  port: number;
  host: string;
  database: { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string; schema?: string };
  dataDir: string;
  secretKey: Buffer | null;
  publicUrl: string | null;
  allowPrivateTargets: boolean;
  sessionTtlMinutes: number;
  loginMaxFailures: number;
  loginLockoutMinutes: number;
  runWorker: boolean;
  /** How often the worker looks for due jobs, how long a claim lasts without renewal, the first retry's delay, jobs at once. */
  jobs: { pollMs: number; leaseMs: number; backoffBaseMs: number; backoffMaxMs: number; concurrency: number };
  tickets: { markerWindowMs: number; createDeadlineMs: number };
  /** Outgoing mail; null when WFA_SMTP_URL is not set (email deliveries then fail with that reason). */
  smtp: SmtpSettings | null;
  /** The sender address of every notification email (WFA_SMTP_FROM). */
  smtpFrom: string | null;
  /** DNS resolvers for custom email domain checks (WFA_DNS_SERVERS); null: the system's. */
  dnsServers: string[] | null;
  /** The bearer token /metrics requires; null: /metrics is off (404). */
  metricsToken: string | null;
  logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
};

export type SmtpSettings = {
  host: string;
  port: number;
  /** smtps://: TLS from the first byte. smtp://: plain first, upgraded with STARTTLS when offered. */
  secure: boolean;
  auth: { user: string; pass: string } | null;
};

/** Reads WFA_SMTP_URL; null when it is not a usable smtp(s) URL. */
export function parseSmtpUrl(value: string): SmtpSettings | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') return null;
  if (!url.hostname || (url.pathname && url.pathname !== '/') || url.search || url.hash) return null;
  const secure = url.protocol === 'smtps:';
  const port = url.port ? Number(url.port) : secure ? 465 : 587;
  let user: string;
  let pass: string;
  try {
    user = decodeURIComponent(url.username);
    pass = decodeURIComponent(url.password);
  } catch {
    return null;
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ''), port, secure, auth: user ? { user, pass } : null };
}

/** Reads WFA_DNS_SERVERS into the form `Resolver.setServers` takes; null when an entry is not an IP address with an optional port. */
export function parseDnsServers(value: string): string[] | null {
  const entries = value
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  if (entries.length === 0 || entries.length > 8) return null;
  for (const entry of entries) {
    const m =
      entry.match(/^\[([0-9a-fA-F:.]+)\](?::(\d{1,5}))?$/) ?? entry.match(/^([0-9.]+)(?::(\d{1,5}))?$/) ?? entry.match(/^([0-9a-fA-F:]*:[0-9a-fA-F:.]*)()$/);
    if (!m || !isIP(m[1]!)) return null;
    if (m[2] && (Number(m[2]) < 1 || Number(m[2]) > 65535)) return null;
  }
  return entries;
}

/** One bare address (local@domain), nothing a header could be built from besides it. */
export function isPlainEmailAddress(v: string): boolean {
  return (
    v.length <= 254 && /^[^\s@<>(),;:"\\[\]\x00-\x1f\x7f]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/.test(v)
  );
}

/** Accepts 64 hex characters or base64 of exactly 32 bytes. */
export function decodeKey(value: string): Buffer | null {
  const v = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(v)) return Buffer.from(v, 'hex');
  if (/^[A-Za-z0-9+/_-]+=*$/.test(v)) {
    const buf = Buffer.from(v, 'base64');
    if (buf.length === 32) return buf;
  }
  return null;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const picked: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value !== '') picked[key] = value;
  }
  const parsed = envSchema.safeParse(picked);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => {
      const name = String(i.path[0]);
      const shown = ['WFA_SECRET_KEY', 'DATABASE_URL', 'WFA_SMTP_URL', 'WFA_METRICS_TOKEN'].includes(name) ? '(hidden)' : JSON.stringify(picked[name]);
      return `  ${name}=${shown}: ${i.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.WFA_DATA_DIR);
  let database: Config['database'];
  if (e.DATABASE_URL?.startsWith('sqlite:')) {
    database = { kind: 'sqlite', file: path.resolve(e.DATABASE_URL.slice('sqlite:'.length)) };
  } else if (e.DATABASE_URL) {
    database = { kind: 'postgres', url: e.DATABASE_URL };
  } else {
    database = { kind: 'sqlite', file: path.join(dataDir, 'wfa.db') };
  }
  return {
    port: e.PORT,
    host: e.HOST,
    database,
    dataDir,
    secretKey: e.WFA_SECRET_KEY ? decodeKey(e.WFA_SECRET_KEY) : null,
    publicUrl: e.WFA_PUBLIC_URL ? e.WFA_PUBLIC_URL.replace(/\/+$/, '') : null,
    allowPrivateTargets: e.WFA_ALLOW_PRIVATE_TARGETS,
    sessionTtlMinutes: e.WFA_SESSION_TTL_MINUTES,
    loginMaxFailures: e.WFA_LOGIN_MAX_FAILURES,
    loginLockoutMinutes: e.WFA_LOGIN_LOCKOUT_MINUTES,
    runWorker: e.WFA_WORKER,
    jobs: {
      pollMs: e.WFA_JOB_POLL_MS,
      leaseMs: e.WFA_JOB_LEASE_SECONDS * 1000,
      backoffBaseMs: e.WFA_JOB_BACKOFF_MS,
      backoffMaxMs: e.WFA_JOB_BACKOFF_MAX_MS,
      concurrency: e.WFA_JOB_CONCURRENCY,
    },
    tickets: { markerWindowMs: e.WFA_TICKET_MARKER_WINDOW_MS, createDeadlineMs: e.WFA_TICKET_CREATE_DEADLINE_MS },
    smtp: e.WFA_SMTP_URL ? parseSmtpUrl(e.WFA_SMTP_URL) : null,
    smtpFrom: e.WFA_SMTP_FROM ?? null,
    dnsServers: e.WFA_DNS_SERVERS ? parseDnsServers(e.WFA_DNS_SERVERS) : null,
    metricsToken: e.WFA_METRICS_TOKEN ?? null,
    logLevel: e.LOG_LEVEL,
  };
}
