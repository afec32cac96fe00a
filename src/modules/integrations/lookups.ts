import { descriptorOf, systemNames } from '../../connectors/descriptors.js';
import { badRequest, notFound } from '../../platform/http/errors.js';
import type { IntegrationRecord, IntegrationsStore, JiraProjectRecord } from './store.js';

export async function requireIntegration(store: IntegrationsStore, orgId: number, id: number): Promise<IntegrationRecord> {
  const r = await store.get(orgId, id);
  if (!r) throw notFound('Integration');
  return r;
}

export async function requireJira(store: IntegrationsStore, orgId: number, id: number): Promise<IntegrationRecord> {
  const r = await requireIntegration(store, orgId, id);
  const d = descriptorOf(r.type);
  if (!d.capabilities.projects) throw badRequest(`${r.name} is a ${d.name} integration; only ${systemNames('or', 'projects')} integrations have projects.`);
  return r;
}

export async function requireProject(store: IntegrationsStore, orgId: number, id: number, projectId: number): Promise<JiraProjectRecord> {
  const project = await store.project(orgId, id, projectId);
  if (!project) throw notFound('Project');
  return project;
}
