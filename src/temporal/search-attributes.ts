// The search attributes our workflows set, so operators can filter operations in the Temporal
// Web UI (e.g. `VpsieNodeGroup = "default/workers" AND VpsiePhase = "Draining"`). Defined once:
// the dev-server scripts and tests register exactly these.
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const SearchAttributes = {
  /** provision | scale-down | scale-down-control */
  operation: defineSearchAttributeKey('VpsieOperation', SearchAttributeType.KEYWORD),
  /** `<namespace>/<name>` of the NodeGroup */
  nodeGroup: defineSearchAttributeKey('VpsieNodeGroup', SearchAttributeType.KEYWORD),
  /** `<namespace>/<name>` of the VPSieNode */
  vpsieNode: defineSearchAttributeKey('VpsieNode', SearchAttributeType.KEYWORD),
  /** VPSie VM identifier once known */
  vmId: defineSearchAttributeKey('VpsieVmId', SearchAttributeType.KEYWORD),
  /** current step of the operation */
  phase: defineSearchAttributeKey('VpsiePhase', SearchAttributeType.KEYWORD),
  /** stable reason code when a scale-down is blocked */
  blockedReason: defineSearchAttributeKey('VpsieBlockedReason', SearchAttributeType.KEYWORD),
} as const;

/** `Name=Keyword` pairs, the form `temporal server start-dev --search-attribute` takes. */
export function searchAttributeFlags(): string[] {
  return Object.values(SearchAttributes).map((key) => `${key.name}=Keyword`);
}
