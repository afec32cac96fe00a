/**
 * Per-address attempt limiter for the login route, in memory: a fixed window is enough to stop
 * password spraying from one address; per-account lock-out (in the database) covers the rest.
 */
export class LoginLimiter {
  private readonly hits = new Map<string, { count: number; resetAt: number }>();
  constructor(
    private readonly maxPerWindow = 20,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Returns seconds to wait when the address is over its budget, else null (and counts the attempt). */
  hit(key: string): number | null {
    const t = this.now();
    let entry = this.hits.get(key);
    if (!entry || entry.resetAt <= t) {
      entry = { count: 0, resetAt: t + this.windowMs };
      this.hits.set(key, entry);
    }
    entry.count += 1;
    if (this.hits.size > 10_000) this.prune(t);
    return entry.count > this.maxPerWindow ? Math.ceil((entry.resetAt - t) / 1000) : null;
  }

  /**
   * Gives back the attempt a successful sign-in used: the budget is for wrong guesses, so an office
   * behind one NAT address is not locked out by its own colleagues signing in. The attempt is still
   * counted up front (in `hit`), so parallel guesses cannot outrun the limit.
   */
  forgive(key: string): void {
    const entry = this.hits.get(key);
    if (entry && entry.count > 0) entry.count -= 1;
  }

  private prune(t: number) {
    for (const [k, v] of this.hits) if (v.resetAt <= t) this.hits.delete(k);
  }
}
