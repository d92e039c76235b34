// Amounts, selectors and prices as people read them in events and decision lines: "64Gi memory",
// "1500m cpu", "app=web", "$48/month". Only for messages; nothing parses these strings.
import type { V1LabelSelector } from '@kubernetes/client-node';
import { CPU, MEMORY, PODS } from '../disruption/resources';
import { EPHEMERAL_STORAGE } from './capacity';
import type { OfferingInfo } from './types';

const BINARY_UNITS: readonly [string, number][] = [
  ['Ti', 1024 ** 4],
  ['Gi', 1024 ** 3],
  ['Mi', 1024 ** 2],
  ['Ki', 1024],
];

function bytes(amount: number): string {
  for (const [unit, size] of BINARY_UNITS) {
    if (amount >= size) {
      const value = amount / size;
      // One decimal is enough to tell amounts apart in a message; whole units print bare.
      return `${Number.isInteger(value) ? value : value.toFixed(1)}${unit}`;
    }
  }
  return `${amount}`;
}

/** An integer amount (millicores for cpu) in Kubernetes' own notation. */
export function formatAmount(resource: string, amount: number): string {
  if (resource === CPU) return amount % 1000 === 0 ? `${amount / 1000}` : `${amount}m`;
  if (resource === MEMORY || resource === EPHEMERAL_STORAGE) return bytes(amount);
  return `${amount}`;
}

/** "64Gi memory", "2 cpu", "1 nvidia.com/gpu", "1 pods" reads oddly, so pods say "pod slot(s)". */
export function formatResource(resource: string, amount: number): string {
  if (resource === PODS) return `${amount} pod slot${amount === 1 ? '' : 's'}`;
  return `${formatAmount(resource, amount)} ${resource}`;
}

export function formatPrice(price: number | undefined): string {
  if (price === undefined) return 'no price';
  return `$${Number.isInteger(price) ? price : price.toFixed(2)}/month`;
}

export function describeOffering(offering: OfferingInfo): string {
  return `${offering.name} (${formatPrice(offering.priceMonthly)})`;
}

/** "app=web,tier In (a, b)"; an empty selector selects everything. */
export function describeSelector(selector: V1LabelSelector | undefined): string {
  if (selector === undefined || selector === null) return '<nothing>';
  const parts = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const req of selector.matchExpressions ?? []) {
    const values = req.values?.length ? ` (${req.values.join(', ')})` : '';
    parts.push(`${req.key} ${req.operator}${values}`);
  }
  return parts.length === 0 ? '<everything>' : parts.join(',');
}

export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

const LISTED = 5;

/** "a, b and c" or "a, b, c, d, e and 3 more": enough to act on without flooding a message. */
export function listWords(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  if (words.length <= LISTED) return `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
  return `${words.slice(0, LISTED).join(', ')} and ${words.length - LISTED} more`;
}
