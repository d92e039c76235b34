// Where the Vpsie-Auth token comes from: a static API token, or client credentials exchanged at
// POST /apps/v2/auth/from/api. Client-credential tokens are refreshed a few minutes before they
// expire and again when the API refuses one (401); concurrent callers share one refresh. Token
// values are never logged: only their expiry is.
//
// The contract describes no refresh-token endpoint, so "refresh" means exchanging the client
// credentials again; the refreshToken in the answer is not used.

import type { Logger } from '../logging/logger';
import type { Clock } from './clock';
import type { VpsieCredentials } from './credentials';
import type { AccessToken } from './types';

export interface TokenSource {
  /** The token to send now, fetched or refreshed first when needed. */
  token(): Promise<string>;
  /** Whether dropping the token can yield a different one (false for a static token). */
  readonly refreshable: boolean;
  /** The API refused `rejected` with a 401: forget it unless a newer one already replaced it. */
  invalidate(rejected: string): void;
  /** Secret values currently held, so error texts can be scrubbed of them. */
  secrets(): string[];
}

export const DEFAULT_REFRESH_MARGIN_MS = 5 * 60_000;

export class StaticTokenSource implements TokenSource {
  readonly refreshable = false;

  constructor(private readonly value: string) {
    if (!value) throw new Error('VPSie token credentials need a non-empty token');
  }

  async token(): Promise<string> {
    return this.value;
  }

  invalidate() {}

  secrets(): string[] {
    return [this.value];
  }
}

export interface ClientCredentialsOptions {
  clientId: string;
  clientSecret: string;
  /** Performs the exchange (executor.ts sends it through the limiter and circuit breaker). */
  fetchToken: (clientId: string, clientSecret: string) => Promise<AccessToken>;
  clock: Clock;
  /** Refresh this long before expiry (5 min), or halfway through a shorter lifetime. */
  refreshMarginMs: number;
  logger: Logger;
}

interface HeldToken extends AccessToken {
  obtainedAt: number;
}

export class ClientCredentialsTokenSource implements TokenSource {
  readonly refreshable = true;
  private held: HeldToken | undefined;
  private pending: Promise<string> | undefined;

  constructor(private readonly options: ClientCredentialsOptions) {
    if (!options.clientId || !options.clientSecret) {
      throw new Error('VPSie client credentials need a clientId and a clientSecret');
    }
  }

  async token(): Promise<string> {
    if (this.held && !this.refreshDue(this.held)) return this.held.token;
    this.pending ??= this.obtain().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  invalidate(rejected: string) {
    if (this.held?.token === rejected) this.held = undefined;
  }

  secrets(): string[] {
    return [this.options.clientSecret, ...(this.held ? [this.held.token] : [])];
  }

  private refreshDue(held: HeldToken): boolean {
    if (held.expiresAt === undefined) return false;
    const lifetime = held.expiresAt - held.obtainedAt;
    const margin = Math.min(this.options.refreshMarginMs, Math.max(0, lifetime / 2));
    return this.options.clock.now() >= held.expiresAt - margin;
  }

  private async obtain(): Promise<string> {
    const obtainedAt = this.options.clock.now();
    const fresh = await this.options.fetchToken(this.options.clientId, this.options.clientSecret);
    this.held = { ...fresh, obtainedAt };
    this.options.logger.info('obtained a VPSie access token', {
      expiresAt:
        fresh.expiresAt === undefined ? 'unknown' : new Date(fresh.expiresAt).toISOString(),
    });
    return fresh.token;
  }
}

export function createTokenSource(
  credentials: VpsieCredentials,
  options: Omit<ClientCredentialsOptions, 'clientId' | 'clientSecret'>,
): TokenSource {
  return credentials.kind === 'token'
    ? new StaticTokenSource(credentials.token)
    : new ClientCredentialsTokenSource({ ...credentials, ...options });
}
