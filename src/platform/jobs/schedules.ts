import type { JobQueue } from './queue.js';

export type Schedule = { name: string; everyMs: number };

export const DAY_MS = 24 * 60 * 60_000;

/**
 * Periodic work (daily syncs) rides on the queue: each period gets one job whose dedupe key names
 * the period, so several app processes enqueue it at most once and a missed run is picked up late
 * rather than lost.
 */
export async function enqueueDueSchedules(queue: JobQueue, db: Parameters<JobQueue['enqueue']>[0], schedules: Schedule[], now = Date.now()): Promise<void> {
  for (const s of schedules) {
    const slot = Math.floor(now / s.everyMs);
    await queue.enqueue(db, { kind: `schedule:${s.name}`, orgId: null, payload: { slot }, dedupeKey: `schedule:${s.name}:${slot}`, maxAttempts: 3 });
  }
}
