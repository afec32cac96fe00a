import type { HttpClient, HttpRequest, HttpResponse } from '../http.js';
import { ConnectorError, type OAuthTokens, type ServiceNowCredentials } from '../types.js';

/** Refresh a little early so a token does not expire between our check and ServiceNow's. */
const EXPIRY_SKEW_MS = 30_000;

type TokenResponse = { access_token?: string; refresh_token?: string; expires_in?: number | string };

/** Sends ServiceNow requests with the right Authorization header, refreshing OAuth tokens as needed. */
export interface ServiceNowAuth {
  send<T>(http: HttpClient, req: HttpRequest): Promise<HttpResponse<T>>;
  sendOrNull<T>(http: HttpClient, req: HttpRequest): Promise<HttpResponse<T> | null>;
}

export function createServiceNowAuth(credentials: ServiceNowCredentials, onTokens?: (tokens: OAuthTokens) => Promise<void>): ServiceNowAuth {
  if (credentials.authMethod === 'basic') {
    const header = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
    return {
      send: (http, req) => http.send({ ...req, headers: { ...req.headers, Authorization: header } }),
      sendOrNull: (http, req) => http.sendOrNull({ ...req, headers: { ...req.headers, Authorization: header } }),
    };
  }
  return new OAuthSession(credentials, onTokens);
}

type OAuthCredentials = Extract<ServiceNowCredentials, { authMethod: 'oauth' }>;

class OAuthSession implements ServiceNowAuth {
  private accessToken?: string;
  private refreshToken?: string;
  private expiresAt: number;
  /** One grant at a time: concurrent calls share it instead of each refreshing (and racing). */
  private pending?: Promise<void>;

  constructor(
    private readonly creds: OAuthCredentials,
    private readonly onTokens?: (tokens: OAuthTokens) => Promise<void>,
  ) {
    this.accessToken = creds.accessToken;
    this.refreshToken = creds.refreshToken;
    this.expiresAt = creds.accessTokenExpiresAt ? Date.parse(creds.accessTokenExpiresAt) : 0;
  }

  send<T>(http: HttpClient, req: HttpRequest): Promise<HttpResponse<T>> {
    return this.withToken(http, req, (r) => http.send<T>(r));
  }

  sendOrNull<T>(http: HttpClient, req: HttpRequest): Promise<HttpResponse<T> | null> {
    return this.withToken(http, req, (r) => http.sendOrNull<T>(r));
  }

  private async withToken<R>(http: HttpClient, req: HttpRequest, call: (r: HttpRequest) => Promise<R>): Promise<R> {
    try {
      if (!this.accessToken || Date.now() >= this.expiresAt - EXPIRY_SKEW_MS) await this.renew(http, this.accessToken);
      const used = this.accessToken;
      try {
        return await call(this.authorized(req, true));
      } catch (err) {
        // A 401 with a token we believed valid: it was revoked or expired early. Renew once and repeat.
        if (!(err instanceof ConnectorError) || err.opts.status !== 401) throw err;
        await this.renew(http, used);
      }
    } catch (err) {
      if (!req.quietFailure && err instanceof ConnectorError) http.reportOutcome(false, err);
      throw err;
    }
    return call(this.authorized(req, req.quietFailure ?? false));
  }

  private authorized(req: HttpRequest, quietFailure: boolean): HttpRequest {
    return { ...req, quietFailure, headers: { ...req.headers, Authorization: `Bearer ${this.accessToken}` } };
  }

  /** Gets a fresh access token, unless another call already replaced `stale` meanwhile. */
  private async renew(http: HttpClient, stale: string | undefined): Promise<void> {
    if (this.pending) return this.pending;
    if (this.accessToken !== stale && this.accessToken && Date.now() < this.expiresAt - EXPIRY_SKEW_MS) return;
    this.pending = (this.refreshToken ? this.refresh(http) : this.passwordGrant(http)).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async passwordGrant(http: HttpClient): Promise<void> {
    try {
      await this.grant(http, {
        grant_type: 'password',
        client_id: this.creds.clientId,
        client_secret: this.creds.clientSecret,
        username: this.creds.username,
        password: this.creds.password,
      });
    } catch (err) {
      if (err instanceof ConnectorError && (err.opts.status === 401 || err.opts.status === 400)) {
        throw new ConnectorError(
          'auth',
          'ServiceNow refused the OAuth sign-in: check the client ID, client secret, username and password of the integration.',
          { status: err.opts.status },
        );
      }
      throw err;
    }
  }

  private async refresh(http: HttpClient): Promise<void> {
    try {
      await this.grant(http, {
        grant_type: 'refresh_token',
        client_id: this.creds.clientId,
        client_secret: this.creds.clientSecret,
        refresh_token: this.refreshToken!,
      });
    } catch (err) {
      // Outages are retried later as usual; a refused refresh token needs an admin.
      if (err instanceof ConnectorError && !err.transient) {
        throw new ConnectorError('auth', 'ServiceNow refused to refresh the OAuth token (it expired or was revoked): re-authorize the integration.', {
          status: err.opts.status,
          reauthorize: true,
        });
      }
      throw err;
    }
  }

  private async grant(http: HttpClient, form: Record<string, string>): Promise<void> {
    // Token requests are safe to repeat: a lost answer only leaves an unused token behind.
    const res = await http.send<TokenResponse>({
      method: 'POST',
      path: '/oauth_token.do',
      form,
      idempotent: true,
      action: 'getting an OAuth token',
      quietFailure: true,
    });
    const body = res.body;
    if (!body || typeof body.access_token !== 'string') {
      throw new ConnectorError('unavailable', 'ServiceNow answered the OAuth token request without an access token.');
    }
    this.accessToken = body.access_token;
    // The refresh grant returns no new refresh token; keep the one we have.
    if (typeof body.refresh_token === 'string') this.refreshToken = body.refresh_token;
    const lifetimeS = Number(body.expires_in ?? 1800);
    this.expiresAt = Date.now() + (Number.isFinite(lifetimeS) ? lifetimeS : 1800) * 1000;
    if (this.onTokens && this.refreshToken) {
      await this.onTokens({
        accessToken: this.accessToken,
        refreshToken: this.refreshToken,
        accessTokenExpiresAt: new Date(this.expiresAt).toISOString(),
      });
    }
  }
}
