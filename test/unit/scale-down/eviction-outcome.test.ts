// How the drain reads the Eviction API's refusals. The bodies are those kube-apiserver 1.34
// sent in the cluster tier (a PDB at its minimum, two PDBs on one pod, a replaced pod).
import {
  classifyEvictionError,
  isPermanentApiError,
  refusalReason,
} from '../../../src/activities/scale-down/eviction-outcome';

/** The shape of client-node's ApiException: status code and the body as JSON text. */
const apiError = (code: number, body: unknown) =>
  Object.assign(new Error(`HTTP-Code: ${code}`), {
    code,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const pdbRefusal = apiError(429, {
  kind: 'Status',
  status: 'Failure',
  message: "Cannot evict pod as it would violate the pod's disruption budget.",
  reason: 'TooManyRequests',
  details: {
    causes: [
      {
        reason: 'DisruptionBudget',
        message: 'The disruption budget db needs 2 healthy pods and has 2 currently',
      },
    ],
  },
  code: 429,
});

test('429: blocked by a PDB, explained by the budget cause (which names the PDB)', () => {
  expect(classifyEvictionError(pdbRefusal)).toEqual({
    kind: 'blocked',
    reason: 'The disruption budget db needs 2 healthy pods and has 2 currently',
  });
});

test('429 without causes (API throttling) is retried the same way, with the status message', () => {
  expect(classifyEvictionError(apiError(429, { message: 'Too many requests' }))).toEqual({
    kind: 'blocked',
    reason: 'Too many requests',
  });
});

test('500 for a pod under several PDBs waits like a PDB refusal (an operator must fix it)', () => {
  const err = apiError(500, {
    message:
      'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    code: 500,
  });
  expect(classifyEvictionError(err)).toEqual({
    kind: 'blocked',
    reason: expect.stringMatching(/more than one PodDisruptionBudget/),
  });
});

test('404: the pod is already gone', () => {
  expect(classifyEvictionError(apiError(404, { message: 'pods "a" not found' }))).toEqual({
    kind: 'gone',
  });
});

test('409 on our UID precondition: the name belongs to a newer pod, ours is gone', () => {
  const err = apiError(409, {
    message:
      'Operation cannot be fulfilled on Pod "p3": the UID in the precondition (0000) does not match the UID in record (105c). The object might have been deleted and then recreated',
    reason: 'Conflict',
  });
  expect(classifyEvictionError(err)).toEqual({ kind: 'gone' });
});

test.each([
  ['another 409', apiError(409, { message: 'the object has been modified' })],
  ['another 500', apiError(500, { message: 'etcdserver: request timed out' })],
  ['a 403', apiError(403, { message: 'forbidden' })],
  ['a network error', new Error('ECONNRESET')],
])('%s is not an outcome the drain expects: undefined, so it is rethrown', (_what, err) => {
  expect(classifyEvictionError(err)).toBeUndefined();
});

test('refusalReason copes with bodies that are objects, plain text or missing', () => {
  expect(refusalReason({ code: 429, body: { message: 'as object' } })).toBe('as object');
  expect(refusalReason({ code: 429, body: 'not json' })).toBe('not json');
  expect(refusalReason(new Error('plain'))).toBe('plain');
});

test.each([
  [400, true],
  [401, true],
  [403, true],
  [422, true],
  [409, false],
  [429, false],
  [500, false],
  [503, false],
])('HTTP %i is permanent: %s', (code, permanent) => {
  expect(isPermanentApiError(apiError(code, {}))).toBe(permanent);
});

test('errors without a status (network) are not permanent', () => {
  expect(isPermanentApiError(new Error('ECONNREFUSED'))).toBe(false);
});
