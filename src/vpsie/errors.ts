// Typed failures of VPSie calls. Every error carries the observer's classification (`type`),
// whether trying again can help (`retryable`), the operation and the HTTP status, so a Temporal
// activity can turn `retryable === false` into a non-retryable ApplicationFailure without knowing
// anything about HTTP. Messages never contain tokens or secrets (http.ts scrubs what the API
// echoes, and no axios error, whose config holds the headers, is ever attached as a cause).

import type { VpsieErrorType } from './observer';

export interface VpsieErrorDetails {
  operation: string;
  /** The HTTP status of the response; 200 for an envelope with `error: true`. */
  httpStatus?: number;
  /** The API's own `code` from the error body, when present. */
  apiCode?: number;
}

export abstract class VpsieError extends Error {
  abstract readonly type: VpsieErrorType;
  abstract readonly retryable: boolean;
  readonly operation: string;
  readonly httpStatus: number | undefined;
  readonly apiCode: number | undefined;

  constructor(message: string, details: VpsieErrorDetails) {
    super(`${details.operation}: ${message}`);
    this.name = new.target.name;
    this.operation = details.operation;
    this.httpStatus = details.httpStatus;
    this.apiCode = details.apiCode;
  }
}

/** The VM, key or route does not exist. Deleting a missing VM is not an error (client.ts). */
export class VpsieNotFoundError extends VpsieError {
  readonly type = 'not_found' as const;
  readonly retryable = false;
}

/**
 * Why a request can never succeed as sent: `quota` (account or plan limits: mark the node group
 * capacity-limited and back off), `validation` (400/422), `rejected` (another refusal), or
 * `invalid_request` (refused by this client before anything was sent).
 */
export type PermanentReason = 'quota' | 'validation' | 'rejected' | 'invalid_request';

export class VpsiePermanentError extends VpsieError {
  readonly type = 'permanent' as const;
  readonly retryable = false;
  readonly reason: PermanentReason;

  constructor(message: string, details: VpsieErrorDetails & { reason: PermanentReason }) {
    super(message, details);
    this.reason = details.reason;
  }
}

export class VpsieRateLimitedError extends VpsieError {
  readonly type = 'rate_limited' as const;
  readonly retryable = true;
  /** How long the API asked us to wait (from Retry-After), in milliseconds. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: VpsieErrorDetails & { retryAfterMs?: number }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** Credentials refused (401 after one refresh, or 403). Retrying will not fix a bad secret. */
export class VpsieAuthError extends VpsieError {
  readonly type = 'auth' as const;
  readonly retryable = false;
}

/**
 * Worth trying again later. `http_5xx`, `transport` and `timeout` are retried inside the client;
 * `circuit_open` fails fast (the breaker exists to stop hammering), `invalid_response` and
 * `response_too_large` would come back the same at once, and `not_yet_visible` is a created VM
 * the list does not show yet: those are left to the caller's (Temporal's) slower retries.
 */
export type TransientReason =
  | 'http_5xx'
  | 'transport'
  | 'timeout'
  | 'circuit_open'
  | 'invalid_response'
  | 'response_too_large'
  | 'not_yet_visible';

export class VpsieTransientError extends VpsieError {
  readonly type = 'transient' as const;
  readonly retryable = true;
  readonly reason: TransientReason;

  constructor(message: string, details: VpsieErrorDetails & { reason: TransientReason }) {
    super(message, details);
    this.reason = details.reason;
  }
}

export function isVpsieError(error: unknown): error is VpsieError {
  return error instanceof VpsieError;
}
