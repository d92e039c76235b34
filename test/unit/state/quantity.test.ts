import fc from 'fast-check';
import { QuantityError, parseQuantity } from '../../../src/state/quantity';

test.each([
  // CPU as written in manifests and by metrics-server
  ['100m', 0.1],
  ['1', 1],
  ['1.5', 1.5],
  ['250m', 0.25],
  ['123456789n', 0.123456789],
  ['5u', 0.000005],
  ['.5', 0.5],
  ['2.', 2],
  ['+1', 1],
  ['-1', -1],
  ['0', 0],
  // memory
  ['2Gi', 2 * 1024 ** 3],
  ['500Mi', 500 * 1024 ** 2],
  ['123Ki', 123 * 1024],
  ['0.5Gi', 512 * 1024 ** 2],
  ['1Ti', 1024 ** 4],
  ['1Pi', 1024 ** 5],
  ['1Ei', 1024 ** 6],
  ['128974848', 128974848],
  ['129M', 129e6],
  ['129e6', 129e6],
  ['1k', 1000],
  ['1G', 1e9],
  ['1T', 1e12],
  ['1P', 1e15],
  // exponents; a bare E is the exa suffix, E followed by digits an exponent
  ['1e3', 1000],
  ['1E3', 1000],
  ['1e+3', 1000],
  ['1.5e-3', 0.0015],
  ['1E', 1e18],
])('parseQuantity(%j) = %d', (text, expected) => {
  expect(parseQuantity(text)).toBe(expected);
});

test('finite numbers pass through unchanged (hand-written YAML: cpu: 2)', () => {
  expect(parseQuantity(2)).toBe(2);
  expect(parseQuantity(0.25)).toBe(0.25);
});

test.each([
  '',
  ' 1',
  '1 ',
  '1 Gi',
  'Gi',
  '.',
  '1.2.3',
  '1gi',
  '1KI',
  '1K',
  '1e',
  '1e3.5',
  '1ee3',
  '0x10',
  'abc',
  '1Mi2',
  '--1',
])('parseQuantity(%j) throws QuantityError naming the input', (text) => {
  expect(() => parseQuantity(text)).toThrow(QuantityError);
  expect(() => parseQuantity(text)).toThrow(`invalid Kubernetes quantity ${JSON.stringify(text)}`);
});

test.each([NaN, Infinity, -Infinity])('the number %d throws QuantityError', (n) => {
  expect(() => parseQuantity(n)).toThrow(QuantityError);
});

test('a quantity too large for a double throws instead of returning Infinity', () => {
  expect(() => parseQuantity('1e400')).toThrow(/too large/);
  expect(() => parseQuantity(`${'9'.repeat(400)}`)).toThrow(/too large/);
});

test('property: integer millicores parse to exactly the nearest double of cores', () => {
  fc.assert(
    fc.property(
      fc.nat({ max: 10_000_000 }),
      (millis) => parseQuantity(`${millis}m`) === millis / 1000,
    ),
  );
});

test('property: binary suffixes multiply by powers of 1024 exactly', () => {
  const suffixes = ['Ki', 'Mi', 'Gi', 'Ti'] as const;
  fc.assert(
    fc.property(fc.nat({ max: 1_000_000 }), fc.integer({ min: 0, max: 3 }), (n, i) => {
      return parseQuantity(`${n}${suffixes[i]}`) === n * 1024 ** (i + 1);
    }),
  );
});

test('property: a plain decimal string parses like Number()', () => {
  fc.assert(
    fc.property(fc.double({ min: 0, max: 1e12, noNaN: true }), (x) => {
      const text = x.toFixed(6);
      return parseQuantity(text) === Number(text);
    }),
  );
});
