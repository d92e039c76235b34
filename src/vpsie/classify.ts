// Turns one failed API answer (an HTTP error status, or HTTP 200 with `error: true`) into a typed
// VpsieError. Pure, so every rule has a plain unit test.

import {
  VpsieAuthError,
  VpsieError,
  VpsieNotFoundError,
  VpsiePermanentError,
  VpsieRateLimitedError,
  VpsieTransientError,
} from './errors';

/** Messages the API uses for account, plan and capacity limits (from the contract). */
export const QUOTA_MESSAGE_PATTERNS: readonly RegExp[] = [
  /exceeds? the allowed limit/i,
  /quota exceeded/i,
  /plan does not allow/i,
  /maximum number of/i,
  /limit reached/i,
  /subscription does not allow/i,
];

export function isQuotaMessage(message: string): boolean {
  return QUOTA_MESSAGE_PATTERNS.some((pattern) => pattern.test(message));
}

export interface ApiFailure {
  operation: string;
  httpStatus: number;
  /** The body's `code`, if any. */
  apiCode?: number;
  /** The body's message, already scrubbed of secrets. */
  message: string;
  retryAfterMs?: number;
}

/**
 * The status that decides the class: the HTTP status, or for an HTTP 2xx envelope error the
 * body's `code` when it looks like an HTTP status (the API mirrors them there).
 */
function effectiveStatus(failure: ApiFailure): number | undefined {
  const { httpStatus, apiCode } = failure;
  if (httpStatus < 200 || httpStatus >= 300) return httpStatus;
  return apiCode !== undefined && apiCode >= 400 && apiCode < 600 ? apiCode : undefined;
}

export function classifyApiFailure(failure: ApiFailure): VpsieError {
  const status = effectiveStatus(failure);
  const text = failure.message || `HTTP ${status ?? failure.httpStatus} without a message`;
  const details = {
    operation: failure.operation,
    httpStatus: failure.httpStatus,
    apiCode: failure.apiCode,
  };
  const label = `${text} (HTTP ${failure.httpStatus}${
    failure.apiCode !== undefined ? `, code ${failure.apiCode}` : ''
  })`;

  if (status === 429) {
    return new VpsieRateLimitedError(label, { ...details, retryAfterMs: failure.retryAfterMs });
  }
  // Quota wins over the status (a "plan does not allow" may come as 403), but not over a 5xx:
  // a gateway's 503 "connection limit reached" is load, not the account's quota.
  if ((status === undefined || status < 500) && isQuotaMessage(text)) {
    return new VpsiePermanentError(label, { ...details, reason: 'quota' });
  }
  if (status === 401 || status === 403) return new VpsieAuthError(label, details);
  if (status === 404) return new VpsieNotFoundError(label, details);
  if ((status === undefined || status === 400) && /not found|does not exist/i.test(text)) {
    return new VpsieNotFoundError(label, details);
  }
  if (status !== undefined && (status >= 500 || status === 408)) {
    return new VpsieTransientError(label, { ...details, reason: 'http_5xx' });
  }
  if (status === 400 || status === 422) {
    return new VpsiePermanentError(label, { ...details, reason: 'validation' });
  }
  // Any other 4xx, or an envelope error with no usable code: the API understood the request and
  // refused it. Retrying an unexplained refusal in a loop only multiplies it; the workflow layer
  // still decides whether to try the whole operation again later.
  return new VpsiePermanentError(label, { ...details, reason: 'rejected' });
}
