import type { V1Pod } from '@kubernetes/client-node';
import { nodeAllocatable, podRequests, toAmount } from '../../../src/disruption/resources';
import { node } from './fixtures';

describe('toAmount', () => {
  test.each([
    ['cpu', '100m', 100],
    ['cpu', '0.1', 100],
    ['cpu', '2', 2000],
    ['cpu', '1.5', 1500],
    ['cpu', '250000u', 250],
    ['memory', '1Gi', 1024 ** 3],
    ['memory', '512Mi', 512 * 1024 ** 2],
    ['memory', '1G', 1e9],
    ['pods', '110', 110],
  ])('%s %s is %d', (resource, quantity, expected) => {
    expect(toAmount(resource, quantity)).toBe(expected);
  });

  test('rounds sub-millicore CPU up, as the API server does', () => {
    expect(toAmount('cpu', '1n')).toBe(1);
  });

  test('rejects what Kubernetes would reject', () => {
    expect(() => toAmount('cpu', 'lots')).toThrow(/invalid Kubernetes quantity/);
  });
});

describe('podRequests', () => {
  const container = (name: string, requests: Record<string, string>, restartPolicy?: string) => ({
    name,
    image: 'x',
    restartPolicy,
    resources: { requests },
  });

  test('sums containers and adds overhead', () => {
    const pod: V1Pod = {
      spec: {
        containers: [
          container('a', { cpu: '100m' }),
          container('b', { cpu: '200m', memory: '1Gi' }),
        ],
        overhead: { cpu: '50m' },
      },
    };
    expect(podRequests(pod)).toEqual({ cpu: 350, memory: 1024 ** 3 });
  });

  test('a plain init container counts only when it is larger than the running containers', () => {
    const pod: V1Pod = {
      spec: {
        initContainers: [container('init', { cpu: '2', memory: '10Mi' })],
        containers: [container('main', { cpu: '500m', memory: '1Gi' })],
      },
    };
    expect(podRequests(pod)).toEqual({ cpu: 2000, memory: 1024 ** 3 });
  });

  test('a sidecar (restartPolicy Always) runs next to the containers and later init steps', () => {
    const pod: V1Pod = {
      spec: {
        initContainers: [
          container('sidecar', { cpu: '300m' }, 'Always'),
          container('migrate', { cpu: '1' }),
        ],
        containers: [container('main', { cpu: '500m' })],
      },
    };
    // Running: main + sidecar = 800m; init step: migrate + sidecar = 1300m.
    expect(podRequests(pod)).toEqual({ cpu: 1300 });
  });

  test('a limit without a request counts as the request', () => {
    const pod: V1Pod = {
      spec: { containers: [{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }] },
    };
    expect(podRequests(pod)).toEqual({ cpu: 1000, memory: 1024 ** 3 });
  });

  test('pod-level requests replace the container sum for the resources they name', () => {
    const pod: V1Pod = {
      spec: {
        containers: [container('a', { cpu: '100m', memory: '1Gi' })],
        resources: { requests: { cpu: '2' } },
      },
    };
    expect(podRequests(pod)).toEqual({ cpu: 2000, memory: 1024 ** 3 });
  });
});

test('nodeAllocatable falls back to capacity when allocatable is not reported', () => {
  expect(nodeAllocatable(node('a', { cpu: '3', memory: '1Gi', pods: '10' }))).toEqual({
    cpu: 3000,
    memory: 1024 ** 3,
    pods: 10,
  });
  expect(nodeAllocatable({ status: { capacity: { cpu: '1' } } })).toEqual({ cpu: 1000 });
});
