// "Did you mean" for misspelt keys, flags and env vars: the closest known name when it is close
// enough that the typo is the likely explanation.

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

// Case and separators carry no meaning for matching: `resync_seconds` means `resyncSeconds`.
const normalise = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The known name closest to `name`, or undefined when none is plausibly meant. */
export function closest(name: string, known: Iterable<string>): string | undefined {
  const target = normalise(name);
  let best: { name: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(target, normalise(candidate));
    if (!best || distance < best.distance) best = { name: candidate, distance };
  }
  const tolerance = Math.max(2, Math.floor(target.length / 4));
  return best && best.distance <= tolerance ? best.name : undefined;
}

/** `; did you mean X?` or nothing. */
export function didYouMean(name: string, known: Iterable<string>): string {
  const suggestion = closest(name, known);
  return suggestion ? `; did you mean ${suggestion}?` : '';
}
