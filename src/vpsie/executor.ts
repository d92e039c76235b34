// The resilience pipeline around every exchange: circuit breaker → rate limiter → auth header →
// HTTP, with one token refresh on a 401, and retries with backoff around whole operations. The
// retry loop wraps an operation's attempt function rather than each exchange so that createVm can
// make its retry look the hostname up again instead of posting a second create.

import type { Logger } from '../logging/logger';
import { createTokenSource, type TokenSource } from './auth';
import { CircuitBreaker } from './circuit-breaker';
import type { Clock } from './clock';
import type { VpsieCredentials } from './credentials';
import { VpsieAuthError, VpsieError, VpsieRateLimitedError, VpsieTransientError } from './errors';
import { HttpTransport, type HttpRequest, type HttpResponse } from './http';
import type { VpsieApiObserver } from './observer';
import { TokenBucketRateLimiter } from './rate-limiter';
import { retryDelayMs, type RetryPolicy } from './retry';
import { accessTokenFromWire, authRequestToWire } from './wire';

export interface ExecutorOptions {
  baseUrl: string;
  credentials: VpsieCredentials;
  timeoutMs: number;
  maxResponseBytes: number;
  retry: RetryPolicy;
  rateLimit: { requestsPerMinute: number; burst: number };
  circuitBreaker: { failureThreshold: number; openMs: number };
  tokenRefreshMarginMs: number;
  clock: Clock;
  random: () => number;
  observer: VpsieApiObserver;
  logger: Logger;
}

export type ApiRequest = Omit<HttpRequest, 'token'>;

export class RequestExecutor {
  private readonly transport: HttpTransport;
  private readonly limiter: TokenBucketRateLimiter;
  private readonly breaker: CircuitBreaker;
  private readonly tokens: TokenSource;

  constructor(private readonly options: ExecutorOptions) {
    const { clock, observer } = options;
    this.tokens = createTokenSource(options.credentials, {
      fetchToken: (clientId, clientSecret) => this.authenticate(clientId, clientSecret),
      clock,
      refreshMarginMs: options.tokenRefreshMarginMs,
      logger: options.logger,
    });
    this.transport = new HttpTransport({
      baseUrl: options.baseUrl,
      timeoutMs: options.timeoutMs,
      maxResponseBytes: options.maxResponseBytes,
      observer,
      now: () => clock.now(),
      secrets: () => this.tokens.secrets(),
    });
    this.limiter = new TokenBucketRateLimiter({ ...options.rateLimit, clock });
    this.breaker = new CircuitBreaker({
      ...options.circuitBreaker,
      now: () => clock.now(),
      onStateChange: (state) => {
        observer.circuitStateChanged(state);
        options.logger.warn('VPSie circuit breaker changed state', { state });
      },
    });
    observer.circuitStateChanged(this.breaker.state);
  }

  /**
   * Runs `attempt` until it succeeds, fails with an error the client does not retry, or the
   * retry budget is spent; the final failure is reported to the observer once.
   */
  async run<T>(operation: string, attempt: () => Promise<T>): Promise<T> {
    for (let retryIndex = 0; ; retryIndex += 1) {
      try {
        return await attempt();
      } catch (error) {
        if (!(error instanceof VpsieError)) throw error;
        const delayMs = retryDelayMs(error, retryIndex, this.options.retry, this.options.random);
        if (delayMs === undefined) {
          this.options.observer.error(operation, error.type);
          this.options.logger.debug('VPSie operation failed', {
            operation,
            errorType: error.type,
            httpStatus: error.httpStatus,
            error: error.message,
          });
          throw error;
        }
        this.options.logger.warn('retrying VPSie operation', {
          operation,
          retry: retryIndex + 1,
          delayMs: Math.round(delayMs),
          errorType: error.type,
          httpStatus: error.httpStatus,
          error: error.message,
        });
        await this.options.clock.sleep(delayMs);
      }
    }
  }

  /** One authenticated exchange. A 401 with refreshable credentials: refresh once, resend once. */
  async send(request: ApiRequest): Promise<HttpResponse> {
    const token = await this.tokens.token();
    try {
      return await this.guarded({ ...request, token });
    } catch (error) {
      const unauthorized =
        error instanceof VpsieAuthError && (error.httpStatus === 401 || error.apiCode === 401);
      if (!unauthorized || !this.tokens.refreshable) throw error;
      this.tokens.invalidate(token);
      this.options.logger.info('VPSie refused the access token; refreshing once', {
        operation: request.operation,
      });
      return await this.guarded({ ...request, token: await this.tokens.token() });
    }
  }

  private async guarded(request: HttpRequest): Promise<HttpResponse> {
    if (!this.breaker.tryAcquire()) {
      throw new VpsieTransientError(
        `circuit breaker open after repeated failures; next probe in ${this.breaker.remainingOpenMs()} ms`,
        { operation: request.operation, reason: 'circuit_open' },
      );
    }
    try {
      const waitedMs = await this.limiter.acquire();
      if (waitedMs > 0) this.options.observer.rateLimited();
      const response = await this.transport.exchange(request);
      this.breaker.recordSuccess();
      return response;
    } catch (error) {
      this.settleBreaker(error);
      if (error instanceof VpsieRateLimitedError) this.options.observer.rateLimited();
      throw error;
    }
  }

  private settleBreaker(error: unknown) {
    const apiDown =
      error instanceof VpsieTransientError &&
      (error.reason === 'http_5xx' || error.reason === 'transport' || error.reason === 'timeout');
    if (apiDown) this.breaker.recordFailure();
    // Any other HTTP answer (4xx, 429, an envelope error) proves the API is up.
    else if (error instanceof VpsieError && error.httpStatus !== undefined) {
      this.breaker.recordSuccess();
    } else this.breaker.release();
  }

  private async authenticate(clientId: string, clientSecret: string) {
    const response = await this.guarded({
      operation: 'authenticate',
      route: 'authenticate',
      form: authRequestToWire(clientId, clientSecret),
    });
    const token = accessTokenFromWire(response.body);
    if (!token) {
      throw new VpsieTransientError('authentication answer has no accessToken.token', {
        operation: 'authenticate',
        httpStatus: response.status,
        reason: 'invalid_response',
      });
    }
    return token;
  }
}
