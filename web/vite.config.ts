import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = path.dirname(fileURLToPath(import.meta.url));

// Vite 8 transforms TSX with oxc (automatic JSX runtime) on its own; no React plugin needed.
export default defineConfig({
  root: here,
  base: '/',
  // `@server/modules/<m>/schemas` instead of `../../../../src/...`: the server's contracts (types,
  // erased) and its zod-free vocabularies (bundled). Keep in step with web/tsconfig.json `paths`.
  resolve: { alias: { '@server': path.resolve(here, '../src') } },
  build: {
    outDir: path.resolve(here, '../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rolldownOptions: {
      // Mantine marks its modules "use client" for server-component frameworks; in a plain SPA
      // bundle the directive means nothing, and the warning per module buried real output.
      onwarn(warning, warn) {
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
  server: { proxy: { '/api': 'http://127.0.0.1:8080' } },
});
