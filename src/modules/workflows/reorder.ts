import { conflict, notFound } from '../../platform/http/errors.js';

/**
 * Up/down in an ordered list of statements (Workflow and Incident Group Mappings): swaps the
 * statement with its neighbour and renumbers densely, so equal or gapped positions from older
 * data still swap cleanly. Gives the 1-based positions it moves from and to, and only the
 * positions that change; at an end it is refused.
 */
export function movedPositions(
  all: { id: number; position: number }[],
  id: number,
  direction: 'up' | 'down',
): { from: number; to: number; changes: { id: number; position: number }[] } {
  const i = all.findIndex((m) => m.id === id);
  if (i < 0) throw notFound('Mapping statement');
  const j = direction === 'up' ? i - 1 : i + 1;
  if (j < 0 || j >= all.length) throw conflict(`Statement ${i + 1} is already the ${direction === 'up' ? 'first' : 'last'}; it cannot move ${direction}.`);
  const order = all.map((m) => m.id);
  [order[i], order[j]] = [order[j], order[i]];
  const before = new Map(all.map((m) => [m.id, m.position]));
  const changes = order.flatMap((mid, k) => (before.get(mid) !== k + 1 ? [{ id: mid, position: k + 1 }] : []));
  return { from: i + 1, to: j + 1, changes };
}
