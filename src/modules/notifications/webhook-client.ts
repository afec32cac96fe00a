import { Agent, fetch as undiciFetch } from 'undici';
import { assertAllowedTarget, guardedLookup, isPrivateTargetRefusal } from '../../connectors/address-guard.js';
import { parseRetryAfter } from '../../connectors/backoff.js';
import { readUpTo } from '../../connectors/http.js';
import { ConnectorError } from '../../connectors/types.js';
import { DeliveryError, receiverText } from './errors.js';

/**
 * Posts a chat message to a webhook URL an admin gave us. The same protections as the ticketing
 * connectors (src/connectors/http.ts): the address guard (https to public addresses only unless
 * WFA_ALLOW_PRIVATE_TARGETS, re-checked at connect time against DNS rebinding), no redirects, one
 * timeout covering the answer, and the answer read only up to a small cap. Slack answers `ok` in
 * plain text and Teams an empty 202, so this client does not expect JSON.
 */

export const WEBHOOK_TIMEOUT_MS = 10_000;
/** The receivers answer a word or a short error; anything longer is cut off unread. */
export const MAX_WEBHOOK_ANSWER_BYTES = 64 * 1024;

const MAX_RETRY_AFTER_MS = 60 * 60_000;

let guardedAgent: Agent | null = null;

export type WebhookOptions = { system: string; allowPrivateTargets: boolean; timeoutMs?: number };

export async function postWebhook(url: string, body: unknown, opts: WebhookOptions): Promise<{ status: number; text: string }> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new DeliveryError(`The ${opts.system} webhook URL is not a valid URL.`, true);
  }
  try {
    await assertAllowedTarget(target, { allowPrivateTargets: opts.allowPrivateTargets, system: opts.system });
  } catch (err) {
    if (err instanceof ConnectorError) throw new DeliveryError(err.message, err.kind !== 'unavailable');
    throw err;
  }
  const signal = AbortSignal.timeout(opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS);
  const init = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), signal, redirect: 'manual' as const };
  let res: Response;
  try {
    res = opts.allowPrivateTargets
      ? await fetch(target, init)
      : ((await undiciFetch(target, {
          ...init,
          dispatcher: (guardedAgent ??= new Agent({ connect: { lookup: guardedLookup() as never } })),
        })) as unknown as Response);
  } catch (err) {
    if (isPrivateTargetRefusal(err)) {
      throw new DeliveryError(`The ${opts.system} host ${target.hostname} resolved to a private network address, which is refused for safety.`, true);
    }
    const timedOut = (err as Error).name === 'TimeoutError' || signal.aborted;
    throw new DeliveryError(
      timedOut
        ? `${opts.system} did not answer within ${(opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 1000} s.`
        : `${opts.system} could not be reached (${networkCode(err)}).`,
      false,
    );
  }
  let text: string;
  try {
    // Past the cap the answer is cut off unread, not refused: only its start goes into an error.
    ({ text } = await readUpTo(res.body, MAX_WEBHOOK_ANSWER_BYTES));
  } catch {
    throw new DeliveryError(`${opts.system} did not finish its answer within ${(opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS) / 1000} s.`, false);
  }
  if (res.status >= 200 && res.status < 300) return { status: res.status, text };
  const said = receiverText(text) || res.statusText || 'no reason given';
  if (res.status >= 300 && res.status < 400) {
    throw new DeliveryError(`${opts.system} answered with a redirect (${res.status}): use the webhook URL exactly as ${opts.system} shows it.`, true);
  }
  if (res.status === 429 || res.status === 408 || res.status >= 500) {
    const asked = parseRetryAfter(res.headers.get('retry-after'));
    // A receiver may ask for any wait; more than an hour is treated as an hour (the next try just asks again).
    throw new DeliveryError(
      `${opts.system} asked to try later (${res.status} ${said}).`,
      false,
      asked === undefined ? undefined : Math.min(asked, MAX_RETRY_AFTER_MS),
    );
  }
  const hint =
    res.status === 404 || res.status === 410
      ? ' The webhook no longer exists: create a new one and update the channel.'
      : res.status === 403 || res.status === 401
        ? ' The webhook is disabled or not allowed to post: check it in ' + opts.system + '.'
        : '';
  throw new DeliveryError(`${opts.system} refused the message (${res.status} ${said}).${hint}`, true);
}

function networkCode(err: unknown): string {
  for (let e = err as { code?: string; cause?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') return e.code;
  }
  return 'network error';
}
