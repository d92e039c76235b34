// What the Eviction API's answer means for a drain. Pure: it reads the status code and the
// Status body the API server sends with a refusal.
import { apiStatus } from '../../kube/clients';

export type EvictionOutcome =
  /** The API server accepted it: the pod is now terminating. */
  | { kind: 'evicted' }
  /** The pod we meant no longer exists (404, or replaced by a pod with another UID). */
  | { kind: 'gone' }
  /** A PodDisruptionBudget forbids it now; `reason` is the API server's explanation. */
  | { kind: 'blocked'; reason: string };

interface StatusBody {
  message?: string;
  details?: { causes?: Array<{ reason?: string; message?: string }> };
}

/** The Status object of a failed call; client-node hands the body over as JSON text. */
function statusBody(err: unknown): StatusBody {
  const body = (err as { body?: unknown })?.body;
  if (body && typeof body === 'object') return body as StatusBody;
  if (typeof body !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    return parsed && typeof parsed === 'object' ? (parsed as StatusBody) : {};
  } catch {
    return { message: body };
  }
}

/** The most specific explanation: the DisruptionBudget cause names the budget and its numbers. */
export function refusalReason(err: unknown): string {
  const body = statusBody(err);
  const causes = (body.details?.causes ?? []).filter((c) => c.message);
  const budget = causes.filter((c) => c.reason === 'DisruptionBudget');
  const chosen = budget.length > 0 ? budget : causes;
  if (chosen.length > 0) return chosen.map((c) => c.message).join('; ');
  return body.message ?? (err instanceof Error ? err.message : String(err));
}

// The API server refuses a pod covered by several budgets with 500; an operator fixes that
// like a budget that allows no disruption, so the drain waits for it the same way.
const MULTIPLE_PDBS = /more than one PodDisruptionBudget/i;
// Our UID precondition failed: the name now belongs to another pod, ours is gone.
const UID_PRECONDITION = /UID in the precondition/i;

/** The outcome of a refused eviction, or undefined when the error is not one a drain expects. */
export function classifyEvictionError(err: unknown): EvictionOutcome | undefined {
  const status = apiStatus(err);
  if (status === 404) return { kind: 'gone' };
  if (status === 429) return { kind: 'blocked', reason: refusalReason(err) };
  const reason = refusalReason(err);
  if (status === 409 && UID_PRECONDITION.test(reason)) return { kind: 'gone' };
  if (status === 500 && MULTIPLE_PDBS.test(reason)) return { kind: 'blocked', reason };
  return undefined;
}

/**
 * Refusals that no retry can fix: the request is invalid or we may not evict (RBAC). Failing at
 * once gets the node uncordoned now instead of after every retry.
 */
export function isPermanentApiError(err: unknown): boolean {
  const status = apiStatus(err);
  return status === 400 || status === 401 || status === 403 || status === 422;
}
