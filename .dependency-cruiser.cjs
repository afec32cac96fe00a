/**
 * Import boundaries (`npm run lint:imports`), checked on src/ (type-only imports included):
 * the platform knows no module, modules talk through services (never another module's store),
 * connectors stand alone, nothing below the root imports the composition root, and no cycles.
 * Paths are relative to the folder it runs in, so test/import-boundaries.test.ts can run the
 * same rules on a fixture.
 */
const COMPOSITION_ROOT = '^src/(app-context|app|background|demo[^/]*|db|server|cli|rotate-key|bootstrap)[.]ts$';

module.exports = {
  forbidden: [
    {
      name: 'platform-imports-module',
      comment: 'src/platform is domain-free: a module plugs into it through its manifest (src/platform/module.ts), never the other way round.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/modules/' },
    },
    {
      name: 'other-module-store',
      comment: "A module calls another module's service, never its store: the store's tables are that module's business.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/[^/]+/store[.]ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'connector-imports-app',
      comment: 'src/connectors speak to ticketing systems only: node and npm packages and each other, nothing else of the app.',
      severity: 'error',
      from: { path: '^src/connectors/' },
      to: { path: '^src/', pathNot: '^src/connectors/' },
    },
    {
      name: 'imports-composition-root',
      comment: 'Modules and the platform receive what they need (create(deps)); they never reach for the composition root.',
      severity: 'error',
      from: { path: '^src/(modules|platform)/' },
      to: { path: COMPOSITION_ROOT },
    },
    {
      name: 'cycle',
      comment: 'Import cycles make the order of module evaluation matter and hide who depends on whom.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    includeOnly: '^src/',
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
    skipAnalysisNotInRules: true,
  },
};
