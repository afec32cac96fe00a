import type { AppContext } from './app-context.js';

/**
 * Background work of this process: the durable job worker and scheduled syncs. Modules register
 * their job handlers and schedules here.
 */
export function startBackground(_ctx: AppContext): { stop(): Promise<void> } {
  return { stop: async () => {} };
}
