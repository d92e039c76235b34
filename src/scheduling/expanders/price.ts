// Cheapest per pod placed: total monthly price of the new nodes divided by the pods they take.
// Per pod rather than in total, because options place different numbers of pods and the
// cheapest total would favour the option that helps the fewest. Unpriced offerings lose.
import { type Expander, type ExpansionOption, keepLowest } from './expander';

export function pricePerPod(option: ExpansionOption): number {
  if (option.totalPrice === undefined || option.podCount === 0) return Infinity;
  return option.totalPrice / option.podCount;
}

export const price: Expander = (options) => keepLowest(options, pricePerPod);
