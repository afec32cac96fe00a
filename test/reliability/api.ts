/**
 * A signed-in HTTP client that survives its server's deaths: a call to a dead server is an
 * `unreachable` answer, not an exception, so callers decide whether to try again.
 */
export type Answer = { status: number; body: any } | { status: 'unreachable'; error: string };

export type Api = {
  call(baseUrl: string, method: string, path: string, body?: unknown): Promise<Answer>;
  /** Like `call`, but the answer must be 2xx; retries while the server is unreachable (bounded). */
  ok<T = any>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T>;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function signIn(baseUrl: string, who: { email: string; password: string }): Promise<Api> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: who.email, password: who.password }),
    signal: AbortSignal.timeout(30_000),
  });
  if (!res.ok) throw new Error(`sign-in as ${who.email} failed: ${res.status} ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const { csrfToken } = (await res.json()) as { csrfToken: string };

  const call: Api['call'] = async (baseUrl, method, path, body) => {
    try {
      const r = await fetch(`${baseUrl}/api/v1${path}`, {
        method,
        headers: { cookie, 'x-csrf-token': csrfToken, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(30_000),
      });
      const text = await r.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : null;
      } catch {
        // not JSON: keep the text for the failure message
      }
      return { status: r.status, body: parsed };
    } catch (err) {
      return { status: 'unreachable', error: String((err as Error).cause ?? err) };
    }
  };

  return {
    call,
    async ok(baseUrl, method, path, body) {
      for (let attempt = 1; ; attempt++) {
        const a = await call(baseUrl, method, path, body);
        if (a.status === 'unreachable' && attempt < 100) {
          await sleep(200);
          continue;
        }
        if (a.status === 'unreachable' || a.status >= 300)
          throw new Error(`${method} ${path} → ${a.status}: ${JSON.stringify('body' in a ? a.body : a.error)}`);
        return a.body;
      }
    },
  };
}
