// planScaleUp: which new nodes the pending pods need, of which NodeGroup and offering, and why.
// The steps, in order (each explained where it is implemented):
//  1. minNodes top-up: groups below their minimum get nodes of their cheapest offering first.
//  2. Existing capacity: each pending pod, largest first, is placed first-fit on Ready
//     schedulable nodes, then on in-flight and top-up nodes; what fits there needs no new node.
//  3. Options: for every group and offering, first-fit decreasing onto new template nodes
//     (packing.ts); per group the best offering (offering-choice.ts); between groups the
//     expander chain (expanders/). The winner's nodes join the plan, and the round repeats for
//     the pods still unplaced until no option places any.
//  4. What is left: pods some group could run but a limit stops are held back; pods no group can
//     ever run are unschedulable, with one reason per group.
// Pure: the input is not modified and the same input gives the same plan.
import { addInFlight, placeOnExisting, topUpMinNodes } from './capacity-first';
import { classifyLeftovers } from './leftovers';
import { Planning } from './planning';
import { scaleUpForPods } from './rounds';
import type { PlannerInput, ScaleUpPlan } from './types';

export function planScaleUp(input: PlannerInput): ScaleUpPlan {
  const planning = new Planning(input);
  // In-flight nodes before the top-up, so first fit tries what is already coming first.
  addInFlight(planning);
  topUpMinNodes(planning);
  const unplaced = placeOnExisting(planning);
  const leftovers = scaleUpForPods(planning, unplaced);
  classifyLeftovers(planning, leftovers);
  return planning.plan;
}

export { cheapestOffering } from './capacity-first';
