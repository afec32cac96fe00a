import type { Principal } from '../../platform/principal.js';
import type { IncidentInput, Priority, Severity, SourceType } from './schemas.js';
import type { IncidentsService } from './service.js';

/**
 * Realistic DLP incidents for the demo, tests and the bench: a stable population of users,
 * rules, engines, dictionaries and destinations; Inline repeats (same host, user, content and
 * file within minutes) so duplicate detection has something to find. Deterministic per seed.
 */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIRST = [
  'Ava',
  'Liam',
  'Noah',
  'Emma',
  'Olivia',
  'Mateo',
  'Sofia',
  'Yuki',
  'Arjun',
  'Chen',
  'Fatima',
  'Lukas',
  'Ines',
  'Kwame',
  'Priya',
  'Diego',
  'Hana',
  'Omar',
  'Zoe',
  'Ivan',
];
const LAST = ['Smith', 'Garcia', 'Nguyen', 'Patel', 'Kim', 'Müller', 'Rossi', 'Okafor', 'Silva', 'Tanaka', 'Cohen', 'Dubois', 'Novak', 'Haddad', 'Larsen'];
const DEPARTMENTS = ['Finance', 'Engineering', 'Sales', 'Marketing', 'Human Resources', 'Legal', 'Support', 'Operations', 'Research'];
const LOCATIONS = ['New York', 'San Jose', 'London', 'Berlin', 'Bangalore', 'Tokyo', 'São Paulo', 'Remote'];
const POLICIES: { rule: string; engine: string; dictionaries: string[]; dlpType: string }[] = [
  { rule: 'PCI Compliance - Block Card Data', engine: 'PCI', dictionaries: ['Credit Cards', 'Financial Statements'], dlpType: 'Structured Data' },
  {
    rule: 'HIPAA - Protected Health Information',
    engine: 'HIPAA',
    dictionaries: ['Medical Information', 'Social Security Numbers'],
    dlpType: 'Structured Data',
  },
  { rule: 'GDPR - Personal Data Export', engine: 'GDPR', dictionaries: ['Names (EU)', 'IBAN Numbers', 'Email Addresses'], dlpType: 'Personal Data' },
  { rule: 'Source Code Leakage', engine: 'Source Code', dictionaries: ['Source Code', 'Private Keys'], dlpType: 'Intellectual Property' },
  {
    rule: 'Confidential Documents',
    engine: 'Confidential',
    dictionaries: ['Confidential Markings', 'Financial Statements'],
    dlpType: 'Document Classification',
  },
  { rule: 'Offensive Content', engine: 'Offensive Language', dictionaries: ['Adult Content', 'Offensive Language'], dlpType: 'Acceptable Use' },
  { rule: 'Credentials in Transit', engine: 'Secrets', dictionaries: ['AWS Keys', 'Passwords'], dlpType: 'Secrets' },
];
const APPS: { host: string; name: string; category: string }[] = [
  { host: 'drive.google.com', name: 'Google Drive', category: 'File Sharing' },
  { host: 'www.dropbox.com', name: 'Dropbox', category: 'File Sharing' },
  { host: 'wetransfer.com', name: 'WeTransfer', category: 'File Sharing' },
  { host: 'pastebin.com', name: 'Pastebin', category: 'Collaboration' },
  { host: 'github.com', name: 'GitHub', category: 'Developer Tools' },
  { host: 'chat.openai.com', name: 'ChatGPT', category: 'Generative AI' },
  { host: 'mail.yahoo.com', name: 'Yahoo Mail', category: 'Webmail' },
  { host: 'web.whatsapp.com', name: 'WhatsApp', category: 'Instant Messaging' },
  { host: 'box.com', name: 'Box', category: 'File Sharing' },
];
const FILES: [string, string, string][] = [
  ['Q3-financials', 'xlsx', 'Spreadsheet'],
  ['customer-export', 'csv', 'Text'],
  ['patient-records', 'pdf', 'PDF'],
  ['payroll-2025', 'xlsx', 'Spreadsheet'],
  ['roadmap-confidential', 'pptx', 'Presentation'],
  ['backend-src', 'zip', 'Archive'],
  ['contract-draft', 'docx', 'Document'],
  ['id_rsa', 'txt', 'Text'],
];
const ACTIONS: Record<SourceType, string[]> = {
  Inline: ['Block', 'Allow', 'Confirm', 'Caution'],
  Email: ['Block', 'Allow', 'Quarantine'],
  Endpoint: ['Block', 'Allow', 'Confirm'],
  'SaaS Security': ['Quarantine', 'Remove Sharing', 'Allow'],
};
const SEVERITY_WEIGHTS: [Severity, number][] = [
  ['Critical', 0.05],
  ['High', 0.25],
  ['Medium', 0.4],
  ['Low', 0.25],
  ['Info', 0.05],
];
const SOURCE_WEIGHTS: [SourceType, number][] = [
  ['Inline', 0.55],
  ['Email', 0.2],
  ['Endpoint', 0.15],
  ['SaaS Security', 0.1],
];

export type GenerateOptions = {
  count: number;
  seed?: number;
  /** Incident dates are spread uniformly over [from, to). */
  from: Date;
  to: Date;
  /**
   * Dates rise with the sequence (each incident in its own slot of the span), as a DLP engine
   * sends incidents as they happen; otherwise each date is drawn anywhere in the span.
   */
  inArrivalOrder?: boolean;
  /** Transaction id prefix; ids are `${prefix}-${n}`, so a run is reproducible and idempotent. */
  prefix?: string;
  /** Share of Inline incidents that repeat an earlier one within the 2-hour window. */
  duplicateRate?: number;
  users?: number;
};

function pickWeighted<T>(r: () => number, items: [T, number][]): T {
  let x = r();
  for (const [v, w] of items) {
    if ((x -= w) < 0) return v;
  }
  return items[items.length - 1][0];
}

function hex32(r: () => number): string {
  let s = '';
  for (let i = 0; i < 4; i++)
    s += Math.floor(r() * 0x100000000)
      .toString(16)
      .padStart(8, '0');
  return s;
}

/** Yields validated incident inputs (the output type of `incidentInput`). */
export function* generateIncidents(o: GenerateOptions): Generator<IncidentInput> {
  const r = rng(o.seed ?? 42);
  const pick = <T>(arr: readonly T[]) => arr[Math.floor(r() * arr.length)];
  const span = o.to.getTime() - o.from.getTime();
  const prefix = o.prefix ?? 'gen';
  const users = Array.from({ length: o.users ?? 300 }, (_, i) => {
    const first = FIRST[i % FIRST.length];
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length];
    const dept = DEPARTMENTS[i % DEPARTMENTS.length];
    return {
      name: `${first} ${last}`,
      email:
        `${first}.${last}${i >= FIRST.length * LAST.length ? i : ''}`
          .toLowerCase()
          .normalize('NFD')
          .replace(/[^\x00-\x7f]/g, '') + '@corp.example',
      department: dept,
      clientIp: `10.${(i >> 8) & 255}.${i & 255}.${10 + (i % 200)}`,
      manager: { name: `${pick(FIRST)} ${pick(LAST)}`, email: `manager.${dept.toLowerCase().replace(/\s+/g, '')}@corp.example` },
      homeLocation: pick(LOCATIONS),
      workLocation: pick(LOCATIONS),
      deviceName: `LT-${(1000 + i).toString()}`,
      deviceOs: pick(['Windows 11', 'macOS 15', 'Ubuntu 24.04']),
      jobTitle: pick(['Analyst', 'Engineer', 'Manager', 'Director', 'Associate']),
      employeeNumber: `E${(10000 + i).toString()}`,
    };
  });
  const recent: IncidentInput[] = [];
  for (let n = 0; n < o.count; n++) {
    const transactionId = `${prefix}-${n.toString().padStart(8, '0')}`;
    const at = o.inArrivalOrder ? (n + r()) / o.count : r();
    const date = new Date(o.from.getTime() + Math.floor(at * span));
    const prev = recent.length ? pick(recent) : null;
    if (prev && r() < (o.duplicateRate ?? 0.05)) {
      const d = new Date(Date.parse(prev.incidentDate) + Math.floor(r() * 90 * 60_000));
      if (d.getTime() < o.to.getTime()) {
        yield { ...prev, transactionId, incidentDate: d.toISOString() };
        continue;
      }
    }
    const sourceType = pickWeighted(r, SOURCE_WEIGHTS);
    const severity = pickWeighted(r, SEVERITY_WEIGHTS);
    const policy = pick(POLICIES);
    const second = r() < 0.2 ? pick(POLICIES) : null;
    const user = pick(users);
    const app = pick(APPS);
    const [base, ext, docType] = pick(FILES);
    const fileName = `${base}${r() < 0.5 ? '' : `-${Math.floor(r() * 50)}`}.${ext}`;
    const rules = second && second.rule !== policy.rule ? [policy.rule, second.rule] : [policy.rule];
    const engines = second && second.engine !== policy.engine ? [policy.engine, second.engine] : [policy.engine];
    const inc: IncidentInput = {
      transactionId,
      incidentDate: date.toISOString(),
      severity,
      priority: undefined as unknown as Priority,
      sourceType,
      dlpType: policy.dlpType,
      action: pick(ACTIONS[sourceType]),
      rules,
      engines,
      dictionaries: policy.dictionaries
        .slice(0, 1 + Math.floor(r() * policy.dictionaries.length))
        .map((name) => ({ name, matchCount: 1 + Math.floor(r() * 40) })),
      user,
      file: { name: fileName, type: ext, md5: hex32(r), size: 1024 + Math.floor(r() * 5_000_000), documentType: docType },
      integration: sourceType === 'Inline' ? undefined : pick(['dlp-aws-prod', 'dlp-azure-eu']),
    };
    delete (inc as { priority?: unknown }).priority;
    if (!inc.integration) delete inc.integration;
    if (sourceType === 'Inline') {
      inc.url = `https://${app.host}/upload/${Math.floor(r() * 1e6)}`;
      inc.application = { name: app.name, category: app.category };
      inc.referrerUrl = `https://${app.host}/`;
    } else if (sourceType === 'Email') {
      const ext1 = `${pick(FIRST).toLowerCase()}@${pick(['gmail.com', 'partner.example', 'outlook.com'])}`;
      inc.recipients = { triggered: [ext1], internal: r() < 0.3 ? [pick(users).email] : [], external: [ext1] };
      inc.email = { messageId: `<${hex32(r)}@corp.example>`, subject: pick(['Quarterly numbers', 'FW: customer list', 'Re: contract', 'Patient summary']) };
      inc.destination = ext1;
    } else if (sourceType === 'Endpoint') {
      inc.channel = pick(['Removable Storage', 'Printing', 'Network Share', 'Cloud Sync']);
      inc.destination = inc.channel;
    } else {
      inc.application = { name: app.name, category: app.category };
      inc.url = `https://${app.host}/s/${hex32(r).slice(0, 12)}`;
      inc.saas = { fileSharedBy: user.email, fileSharedAt: date.toISOString(), externalCollaboratorsGroups: r() < 0.5 ? ['External Partners'] : [] };
    }
    recent.push(inc);
    if (recent.length > 50) recent.shift();
    yield inc;
  }
}

/** `generateIncidents` as plain JSON objects, as a DLP engine would POST them. */
export function generateBatch(o: GenerateOptions): IncidentInput[] {
  return [...generateIncidents(o)];
}

/**
 * Demo data: a few hundred incidents over the last four weeks in various states with their State
 * Changes, using the labels module's demo labels (Resolution, Region; its demo runs first).
 * Idempotent: the incidents have fixed transaction ids, so a second run creates none and stops.
 */
export async function seedDemoIncidents(incidents: IncidentsService, actor: Principal): Promise<string[]> {
  const to = new Date();
  const from = new Date(to.getTime() - 28 * 86_400_000);
  const inputs = generateBatch({ count: 400, seed: 7, from, to, prefix: 'demo', duplicateRate: 0.08 });
  const ingested = await incidents.ingestBatch(actor, inputs);
  if (!ingested.created) return [];
  const ids = ingested.results.filter((x) => x.result === 'created' && x.duplicateOf === null).map((x) => x.id!);
  const { labels, dlpAdmins: admins } = await incidents.filterOptions(actor.orgId);
  const resolution = labels.find((l) => l.name === 'Resolution');
  const region = labels.find((l) => l.name === 'Region');
  if (!resolution || !region)
    throw new Error('The demo incidents use the labels Resolution and Region: list the labels module before incidents in src/modules/index.ts.');
  const r = rng(11);
  const sys = actor;
  for (const id of ids) {
    const x = r();
    if (x < 0.35) continue; // stays New
    if (admins.length && r() < 0.8) await incidents.assign(sys, id, admins[Math.floor(r() * admins.length)].id, 'Auto-assigned by the demo');
    if (r() < 0.3) await incidents.setLabels(sys, id, [{ labelId: region.id, value: region.values[Math.floor(r() * 3)] }], 'add');
    if (x < 0.6) await incidents.investigating(sys, id, 'Looking into it.');
    else if (x < 0.85) {
      await incidents.investigating(sys, id, 'Checked with the user’s manager.');
      const value = resolution.values[Math.floor(r() * resolution.values.length)];
      await incidents.close(sys, id, {
        notes: 'Closed after review.',
        resolutionLabelId: resolution.id,
        resolutionValue: value,
        falsePositive: value === 'False Positive',
      });
    } else {
      // Awaiting the user or an approver (the Notify User / Escalate flows arrive with workflows).
      const status = x < 0.92 ? 'Validating with User' : x < 0.96 ? 'Escalated' : 'Received Justification Response';
      await incidents.markWaiting(sys, id, status, 'Demo data: waiting for the user’s justification');
    }
  }
  return [`Incidents: ${ingested.created} demo incidents over the last 4 weeks (${ids.length} parents).`];
}
