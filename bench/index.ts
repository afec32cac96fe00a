/** Every benchmark module; `npm run bench [name...]` runs them in order (all by default). */
export type BenchModule = { name: string; load: () => Promise<{ run(): Promise<void> }> };

export const BENCHES: BenchModule[] = [
  { name: 'incidents', load: () => import('./incidents.bench.js') },
  { name: 'integration-users', load: () => import('./integration-users.bench.js') },
  { name: 'tickets', load: () => import('./tickets.bench.js') },
  { name: 'notifications', load: () => import('./notifications.bench.js') },
  { name: 'workflows', load: () => import('./workflows.bench.js') },
];
