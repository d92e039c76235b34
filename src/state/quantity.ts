// Kubernetes resource quantities (`100m`, `1.5`, `2Gi`, `500Mi`, `1e3`, `129M`, `123456789n`) as
// plain numbers in base units: cores for CPU, bytes for memory. The grammar is apimachinery's
// resource.Quantity, including the `n` and `u` suffixes that metrics-server uses for CPU usage.
//
// A JavaScript number (a double) is exact for every integer byte count up to 2^53 (8 PiB) and
// within one part in 10^15 for fractional CPU, which is far finer than any utilisation threshold,
// so we do not carry apimachinery's arbitrary-precision arithmetic around.

/** A quantity string Kubernetes itself would reject. */
export class QuantityError extends Error {
  override readonly name = 'QuantityError';
  constructor(
    readonly input: unknown,
    reason: string,
  ) {
    super(`invalid Kubernetes quantity ${JSON.stringify(input)}: ${reason}`);
  }
}

const DECIMAL_SI_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};

const BINARY_SI_POWER: Readonly<Record<string, number>> = {
  Ki: 1,
  Mi: 2,
  Gi: 3,
  Ti: 4,
  Pi: 5,
  Ei: 6,
};

// sign, digits with an optional fraction (at least one digit somewhere), then the suffix.
const QUANTITY = /^([+-]?)(\d+(?:\.\d*)?|\.\d+)(.*)$/;
const DECIMAL_EXPONENT = /^[eE]([+-]?\d+)$/;

/**
 * The value of a Kubernetes quantity in base units. Accepts what `resource.MustParse` accepts
 * (sign, decimal/binary SI suffix or `e`/`E` exponent; `E` alone means exa) and a finite number
 * as-is (YAML written by hand often says `cpu: 2`). Throws QuantityError otherwise.
 */
export function parseQuantity(input: string | number): number {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) throw new QuantityError(input, 'not a finite number');
    return input;
  }
  const match = QUANTITY.exec(input);
  if (!match) throw new QuantityError(input, 'expected a number with an optional suffix');
  const [, sign, digits, suffix] = match as unknown as [string, string, string, string];
  const value = Number(`${sign}${digits}`);

  const binaryPower = BINARY_SI_POWER[suffix];
  if (binaryPower !== undefined) return checked(input, value * 1024 ** binaryPower);

  let exponent = DECIMAL_SI_EXPONENT[suffix];
  if (exponent === undefined) {
    const written = DECIMAL_EXPONENT.exec(suffix);
    if (!written) throw new QuantityError(input, `unknown suffix ${JSON.stringify(suffix)}`);
    exponent = Number(written[1]);
  }
  // Letting Number() apply the exponent gives the correctly rounded double: "5u" is exactly the
  // double nearest 0.000005, where 5 * 1e-6 lands one ulp off (0.0000049999999999999996).
  return checked(input, Number(`${sign}${digits}e${exponent}`));
}

function checked(input: string, value: number): number {
  if (!Number.isFinite(value)) throw new QuantityError(input, 'too large');
  return value;
}
