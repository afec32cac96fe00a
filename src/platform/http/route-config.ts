import type { Category, Level } from '../permissions.js';
import type { Principal } from '../principal.js';

/**
 * Every /api route states who may call it, next to its schema:
 * - `access: 'public'` (login, health);
 * - `access: 'authenticated'` (any signed-in admin or API key: session info, logout);
 * - `permission: { category, level }` checked by the one guard in `guard.ts`.
 */
declare module 'fastify' {
  interface FastifyContextConfig {
    access?: 'public' | 'authenticated';
    permission?: { category: Category; level: Level };
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function requires(category: Category, level: Level) {
  return { permission: { category, level } } as const;
}

export const PUBLIC = { access: 'public' } as const;
export const AUTHENTICATED = { access: 'authenticated' } as const;
