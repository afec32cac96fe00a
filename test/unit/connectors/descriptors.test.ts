import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createConnector, type Connection } from '../../../src/connectors/index.js';
import {
  INTEGRATION_TYPES,
  JIRA_CLOUD,
  SERVICENOW,
  SYSTEMS,
  descriptorOf,
  isIntegrationType,
  projectCatalogOf,
  systemNames,
} from '../../../src/connectors/descriptors.js';

const CONNECTORS_DIR = fileURLToPath(new URL('../../../src/connectors/', import.meta.url));

/** A connection of each type; nothing is sent, the connectors are only inspected. */
const CONNECTIONS: Connection[] = [
  { type: 'servicenow', baseUrl: 'https://example.service-now.com', credentials: { authMethod: 'basic', username: 'u', password: 'p' } },
  { type: 'jira_cloud', baseUrl: 'https://example.atlassian.net', credentials: { email: 'a@example.com', apiToken: 't' } },
];

describe('ticketing system descriptors', () => {
  it('describe every integration type, labelled with the documented "Integration Type" values', () => {
    expect(SYSTEMS.map((d) => d.type)).toEqual([...INTEGRATION_TYPES]);
    expect(SYSTEMS.map((d) => [d.label, d.name])).toEqual([
      ['ServiceNow', 'ServiceNow'],
      ['JiraCloud', 'Jira Cloud'],
    ]);
    for (const t of INTEGRATION_TYPES) expect(descriptorOf(t).type).toBe(t);
  });

  it('tell a known type from anything else, inherited object keys included', () => {
    expect(INTEGRATION_TYPES.every(isIntegrationType)).toBe(true);
    for (const v of ['jira', 'ServiceNow', '', 'toString', '__proto__', undefined, 1]) expect(isIntegrationType(v)).toBe(false);
  });

  it('name the systems for sentences, or only those with a capability', () => {
    expect(systemNames()).toBe('ServiceNow or Jira Cloud');
    expect(systemNames('and')).toBe('ServiceNow and Jira Cloud');
    expect(systemNames('or', 'projects')).toBe('Jira Cloud');
  });

  it.each(CONNECTIONS)('$type: the connector implements the optional capabilities exactly as its descriptor declares', (connection) => {
    const connector = createConnector(connection, { allowPrivateTargets: false });
    const { capabilities } = descriptorOf(connector.type);
    expect(typeof connector.listProjects === 'function').toBe(capabilities.projects);
    expect(typeof connector.getFields === 'function').toBe(capabilities.fieldMappings);
    if (capabilities.projects) expect(Object.keys(projectCatalogOf(connector)).sort()).toEqual(['getFields', 'listProjects']);
    else expect(() => projectCatalogOf(connector)).toThrow(`${descriptorOf(connector.type).name} integrations have no projects.`);
  });

  it.each(SYSTEMS)('$label: each auth method’s schema takes exactly the form’s fields for it, and names a blank one by its label', (d) => {
    for (const { value: method } of d.credentials.authMethods) {
      const fields = d.credentials.fields.filter((f) => !f.only || f.only.includes(method));
      const withMethod = d.credentials.authMethods.length > 1 ? { authMethod: method } : {};
      const filled = { ...withMethod, ...Object.fromEntries(fields.map((f) => [f.key, f.key === 'email' ? 'jane@example.com' : 'x'])) };
      expect(d.credentials.schema.safeParse(filled).success).toBe(true);
      for (const f of fields) {
        const blank = d.credentials.schema.safeParse({ ...filled, [f.key]: '' });
        expect(blank.success).toBe(false);
        expect(blank.error?.issues.map((i) => i.message.toLowerCase())).toEqual([expect.stringContaining(f.label.toLowerCase())]);
      }
      // A field of another system is refused, not ignored.
      expect(d.credentials.schema.safeParse({ ...filled, other: 'x' }).success).toBe(false);
    }
  });

  it('put the idempotency marker where the connectors write it', () => {
    expect(SERVICENOW.capabilities.marker.field).toBe('correlation_id');
    expect(JIRA_CLOUD.capabilities.marker.field).toBe('labels');
  });
});

/** Relative imports of a source file, resolved to files under src/. */
function relativeImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)]
    .map((m) => m[1])
    .filter((s) => s.startsWith('.'))
    .map((s) => path.resolve(path.dirname(file), s.replace(/\.js$/, '.ts')));
}

function packageImports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/^\s*(?:import|export)\b[^'"]*?from\s+'([^']+)'/gm)].map((m) => m[1]).filter((s) => !s.startsWith('.'));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
  );
}

describe('connectors layering', () => {
  it('src/connectors imports nothing of the project outside itself', () => {
    const files = sourceFiles(CONNECTORS_DIR);
    expect(files.length).toBeGreaterThan(10);
    const outside = files.flatMap((f) =>
      relativeImports(f)
        .filter((target) => !target.startsWith(CONNECTORS_DIR))
        .map((target) => `${path.relative(CONNECTORS_DIR, f)} → ${target}`),
    );
    expect(outside).toEqual([]);
  });

  it('the descriptors reach no connector code and no package but zod, so the web app can bundle them', () => {
    const seen = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      relativeImports(file).forEach(visit);
    };
    visit(path.join(CONNECTORS_DIR, 'descriptors.ts'));
    expect([...seen].map((f) => path.relative(CONNECTORS_DIR, f)).sort()).toEqual([
      'credential-fields.ts',
      'descriptor.ts',
      'descriptors.ts',
      'jira-cloud/descriptor.ts',
      'servicenow/descriptor.ts',
      'types.ts',
    ]);
    expect(new Set([...seen].flatMap(packageImports))).toEqual(new Set(['zod']));
  });
});
