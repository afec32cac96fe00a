import { Agent, fetch as undiciFetch } from 'undici';
import { assertAllowedTarget, guardedLookup, isPrivateTargetRefusal } from '../../connectors/address-guard.js';

/** One attempt may take this long, connection and answer included. */
export const DELIVERY_TIMEOUT_MS = 10_000;
/** Of the receiver's answer only this much is read (kept for the delivery log when it failed). */
export const RESPONSE_CAP_BYTES = 16 * 1024;
/** What the delivery log keeps of a failed answer. */
const EXCERPT_CHARS = 300;

export type SendResult = { ok: true; status: number } | { ok: false; status: number | null; error: string; retryAfterMs?: number };

let publicOnlyAgent: Agent | undefined;

/**
 * POSTs one signed event body. The URL passes the same address guard as the ticketing connectors
 * (https to public addresses, checked again at connect time against DNS rebinding) unless private
 * targets are allowed; redirects are not followed; the attempt is bounded in time and the answer in
 * size. Never throws: the outcome is what the delivery log shows.
 */
export async function sendEvent(
  url: string,
  body: string,
  headers: Record<string, string>,
  opts: { allowPrivateTargets: boolean; timeoutMs?: number },
): Promise<SendResult> {
  let target: URL;
  try {
    target = new URL(url);
    await assertAllowedTarget(target, { allowPrivateTargets: opts.allowPrivateTargets, system: 'webhook' });
  } catch (err) {
    return { ok: false, status: null, error: err instanceof Error ? err.message : String(err) };
  }
  const signal = AbortSignal.timeout(opts.timeoutMs ?? DELIVERY_TIMEOUT_MS);
  const init = {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'user-agent': 'WFA-Webhooks/1', ...headers },
    body,
    signal,
    redirect: 'manual' as const,
  };
  try {
    const res = opts.allowPrivateTargets
      ? await fetch(target, init)
      : ((await undiciFetch(target, {
          ...init,
          dispatcher: (publicOnlyAgent ??= new Agent({ connect: { lookup: guardedLookup() as never } })),
        })) as unknown as Response);
    const answer = await readCapped(res);
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status };
    const retryAfter = Number(res.headers.get('retry-after'));
    return {
      ok: false,
      status: res.status,
      error: `The receiver answered ${res.status}${answer ? `: ${answer.slice(0, EXCERPT_CHARS)}` : '.'}`,
      ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterMs: retryAfter * 1000 } : {}),
    };
  } catch (err) {
    if (signal.aborted) return { ok: false, status: null, error: `The receiver did not answer within ${(opts.timeoutMs ?? DELIVERY_TIMEOUT_MS) / 1000} s.` };
    if (isPrivateTargetRefusal(err))
      return { ok: false, status: null, error: `${target.hostname} resolved to a private address when connecting, which is refused.` };
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    return {
      ok: false,
      status: null,
      error: `Could not reach the receiver: ${cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err))}.`,
    };
  }
}

/** Reads at most RESPONSE_CAP_BYTES of the answer, then lets the rest go. */
async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_CAP_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
  return Buffer.concat(chunks).subarray(0, RESPONSE_CAP_BYTES).toString('utf8').replace(/\s+/g, ' ').trim();
}
