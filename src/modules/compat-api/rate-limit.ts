/**
 * Per-key request budgets of the compatible API, one per resource as the vendor documents them
 * ("light": 30 a minute and 1,000 an hour; "medium": 20 a minute and 400 an hour). Counted in
 * this process, in fixed windows aligned to the clock.
 *
 * The headers follow the wire reference: `Retry-After` and `RateLimit-Reset` in delta seconds (one
 * vendor client sleeps that long and retries; an epoch there would make it sleep for decades),
 * `RateLimit-Remaining: 0` on a 429.
 */
export const BUDGETS = {
  light: { perMinute: 30, perHour: 1000 },
  medium: { perMinute: 20, perHour: 400 },
} as const;
export type Budget = keyof typeof BUDGETS;

type Windows = { minute: number; minuteCount: number; hour: number; hourCount: number };

export type RateDecision = {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the window that decided this resets (at least 1). */
  resetSeconds: number;
};

const MAX_TRACKED = 100_000;

export class RateLimiter {
  private readonly windows = new Map<string, Windows>();

  /** `now` is replaceable so tests can hold the clock still instead of racing a window. */
  constructor(public now: () => number = () => Date.now()) {}

  /** Counts one request of `apiKeyId` against `resource`'s budget, unless it is already spent. */
  hit(apiKeyId: number, resource: string, budget: Budget): RateDecision {
    const { perMinute, perHour } = BUDGETS[budget];
    const t = this.now();
    const minute = Math.floor(t / 60_000);
    const hour = Math.floor(t / 3_600_000);
    const id = `${apiKeyId} ${resource}`;
    let w = this.windows.get(id);
    if (!w) {
      if (this.windows.size >= MAX_TRACKED) this.windows.clear();
      w = { minute, minuteCount: 0, hour, hourCount: 0 };
      this.windows.set(id, w);
    }
    if (w.minute !== minute) Object.assign(w, { minute, minuteCount: 0 });
    if (w.hour !== hour) Object.assign(w, { hour, hourCount: 0 });
    const minuteReset = Math.max(1, Math.ceil(((minute + 1) * 60_000 - t) / 1000));
    const hourReset = Math.max(1, Math.ceil(((hour + 1) * 3_600_000 - t) / 1000));
    if (w.hourCount >= perHour) return { allowed: false, limit: perHour, remaining: 0, resetSeconds: hourReset };
    if (w.minuteCount >= perMinute) return { allowed: false, limit: perMinute, remaining: 0, resetSeconds: minuteReset };
    w.minuteCount++;
    w.hourCount++;
    return { allowed: true, limit: perMinute, remaining: Math.min(perMinute - w.minuteCount, perHour - w.hourCount), resetSeconds: minuteReset };
  }
}
