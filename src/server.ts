import type { FastifyInstance } from 'fastify';
import type { Config } from './config.js';
import { buildApp } from './app.js';
import { createContext, type AppContext } from './app-context.js';
import { openDatabase } from './platform/db/database.js';
import { migrateToLatest } from './db.js';
import { startBackground } from './background.js';

export type RunningServer = { app: FastifyInstance; ctx: AppContext; url: string; stop(): Promise<void> };

/** Migrates, builds the app, starts background work, listens; `stop()` drains in reverse order. */
export async function startServer(config: Config, opts: { logger?: boolean | object } = {}): Promise<RunningServer> {
  const database = openDatabase(config.database);
  await migrateToLatest(database);
  const ctx = createContext(config, database);
  const app = await buildApp(ctx, { logger: opts.logger });
  ctx.log = app.log;
  await app.listen({ port: config.port, host: config.host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host}:${port}`;
  const background = config.runWorker ? startBackground(ctx) : null;
  let stopped = false;
  return {
    app,
    ctx,
    url,
    async stop() {
      if (stopped) return;
      stopped = true;
      await background?.stop();
      await app.close();
      await database.close();
    },
  };
}
