// The bootstrap-token and CA-pin checks of a simulated kubeadm join.
import type { V1Secret } from '@kubernetes/client-node';
import {
  bootstrapTokenProblem,
  caCertHashes,
  caPinProblem,
} from '../../../src/simulator/cluster-join/bootstrap-checks';
import { CA, CA_PIN, OTHER_CA, OTHER_PIN } from './cluster-join-fixtures';

describe('CA pins', () => {
  test('the pin is SHA-256 of the SubjectPublicKeyInfo, one per certificate of a bundle', () => {
    expect(caCertHashes(CA)).toEqual([CA_PIN]);
    expect(caCertHashes(CA + OTHER_CA)).toEqual([CA_PIN, OTHER_PIN]);
  });

  test('any matching pin passes (hex case does not matter); none matching names the real one', () => {
    expect(caPinProblem([OTHER_PIN, CA_PIN.toUpperCase()], CA)).toBeUndefined();
    expect(caPinProblem([OTHER_PIN], CA + OTHER_CA)).toBeUndefined();
    expect(caPinProblem([OTHER_PIN], CA)).toBe(
      `the cluster CA is not pinned: none of its public keys [${CA_PIN}] matches ` +
        `caCertHashes [${OTHER_PIN}]`,
    );
  });
});

describe('bootstrap tokens', () => {
  const now = new Date('2030-01-01T00:00:00Z');
  const token = 'abcdef.0123456789abcdef';
  const secret = (data: Record<string, string>, overrides: Partial<V1Secret> = {}): V1Secret => ({
    metadata: { name: 'bootstrap-token-abcdef', namespace: 'kube-system' },
    type: 'bootstrap.kubernetes.io/token',
    data: Object.fromEntries(
      Object.entries(data).map(([k, v]) => [k, Buffer.from(v).toString('base64')]),
    ),
    ...overrides,
  });
  const good = {
    'token-id': 'abcdef',
    'token-secret': '0123456789abcdef',
    expiration: '2030-01-01T01:00:00Z',
    'usage-bootstrap-authentication': 'true',
    'usage-bootstrap-signing': 'true',
  };

  test('a live token with both usages serves discovery (signing) and TLS bootstrap', () => {
    expect(bootstrapTokenProblem(token, secret(good), 'signing', now)).toBeUndefined();
    expect(bootstrapTokenProblem(token, secret(good), 'authentication', now)).toBeUndefined();
    // A token without an expiration never expires.
    const forever = Object.fromEntries(Object.entries(good).filter(([k]) => k !== 'expiration'));
    expect(bootstrapTokenProblem(token, secret(forever), 'signing', now)).toBeUndefined();
  });

  test('each way a token is refused, without ever quoting its secret', () => {
    const cases: Array<[V1Secret | undefined, RegExp, ('signing' | 'authentication')?]> = [
      [undefined, /"abcdef" is unknown to the cluster/],
      [secret(good, { metadata: { deletionTimestamp: now } }), /unknown to the cluster/],
      [secret(good, { type: 'Opaque' }), /not of type bootstrap.kubernetes.io\/token/],
      [secret({ ...good, 'token-id': 'zzzzzz' }), /holds token-id "zzzzzz"/],
      [secret({ ...good, 'token-secret': 'ffffffffffffffff' }), /does not match/],
      [secret({ ...good, expiration: '2029-12-31T23:59:59Z' }), /expired/],
      [secret({ ...good, expiration: 'soon' }), /expired \(expiration soon\)/],
      [secret({ ...good, 'usage-bootstrap-signing': 'false' }), /may not be used for signing/],
      [
        secret({ ...good, 'usage-bootstrap-authentication': 'yes' }),
        /may not be used for authentication/,
        'authentication',
      ],
    ];
    for (const [found, reason, usage] of cases) {
      const problem = bootstrapTokenProblem(token, found, usage ?? 'signing', now);
      expect(problem).toMatch(reason);
      expect(problem).not.toContain('0123456789abcdef');
    }
    expect(bootstrapTokenProblem('not-a-token', secret(good), 'signing', now)).toMatch(/malformed/);
  });
});
