import { z } from 'zod';
import { queryId } from './input.js';

export const PAGE_SIZES = [10, 20, 25, 50, 100] as const;

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
};

export function paged<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  });
}

export const sortOrder = z.enum(['asc', 'desc']).default('asc');

/** A positive integer id in a URL; anything else is a 400, not a 500. */
export const idParam = z.strictObject({ id: queryId() });

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional(), requestId: z.string() }),
});
