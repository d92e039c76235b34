// The VPSie client's public surface. Wire details stay in wire.ts; import them from there only
// when you really speak the wire (the simulator does).

export { VpsieClient, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS } from './client';
export type { VpsieClientOptions } from './client';
export type {
  CreateVmRequest,
  Datacenter,
  Offering,
  Resource,
  ResourceQuery,
  SshKey,
  Vm,
} from './types';
export {
  VpsieAuthError,
  VpsieError,
  VpsieNotFoundError,
  VpsiePermanentError,
  VpsieRateLimitedError,
  VpsieTransientError,
  isVpsieError,
} from './errors';
export type { PermanentReason, TransientReason } from './errors';
export { QUOTA_MESSAGE_PATTERNS, isQuotaMessage } from './classify';
export { DEFAULT_RETRY_POLICY } from './retry';
export type { RetryPolicy } from './retry';
export type { Clock } from './clock';
export { systemClock } from './clock';
export type { VpsieApiObserver, VpsieErrorType, CircuitState } from './observer';
export { noopObserver } from './observer';
export type { VpsieCredentials } from './credentials';
