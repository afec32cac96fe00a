import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../helpers/test-app.js';

describe('incidents in the OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(async () => t?.close());

  it('documents the incidents and labels routes', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    for (const p of ['/api/v1/incidents', '/api/v1/incidents/{id}', '/api/v1/incidents/export.csv', '/api/v1/incidents/bulk/close', '/api/v1/labels'])
      expect(paths).toContain(p);
  });

  it('shows the ingestion contract as the request body of POST /incidents: one incident, or a batch', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    const schema = doc.paths['/api/v1/incidents'].post.requestBody.content['application/json'].schema;
    const shapes = schema.anyOf ?? schema.oneOf;
    expect(shapes).toHaveLength(2);
    const [one, batch] = shapes;
    expect(one.required).toEqual(expect.arrayContaining(['transactionId', 'incidentDate', 'severity', 'sourceType', 'user']));
    expect(Object.keys(one.properties)).toEqual(expect.arrayContaining(['transactionId', 'user', 'file', 'rules']));
    expect(batch.required).toEqual(['incidents']);
    expect(batch.properties.incidents).toMatchObject({ type: 'array', minItems: 1, maxItems: 1000 });
  });
});
