// The template node of a group and offering: capacity minus systemReserved, labels, taints,
// and the DaemonSet pods that will land on it.
import { templateAllocatable } from '../../../src/scheduling/templates';
import { GIB, MIB, daemonSet, group, harness, offering } from './fixtures';

describe('templateAllocatable', () => {
  test('offering capacity plus extended resources, minus systemReserved', () => {
    const g = group('gpu', {
      systemReserved: { cpu: 500, memory: GIB, 'ephemeral-storage': 10 * GIB },
      extendedResources: { 'nvidia.com/gpu': 2 },
    });
    expect(templateAllocatable(g, offering(4, 8, { diskGb: 80 }))).toEqual({
      cpu: 3500,
      memory: 7 * GIB,
      'ephemeral-storage': 70 * GIB,
      pods: 110,
      'nvidia.com/gpu': 2,
    });
  });

  test('never below zero', () => {
    const g = group('tiny', { systemReserved: { cpu: 8000, memory: 512 * MIB } });
    expect(templateAllocatable(g, offering(2, 1))).toMatchObject({ cpu: 0, memory: 512 * MIB });
  });
});

describe('template node', () => {
  const g = group('demo', {
    labels: { pool: 'demo' },
    taints: [{ key: 'dedicated', value: 'demo', effect: 'NoSchedule' }],
    systemReserved: { cpu: 100, memory: 100 * MIB },
  });

  test("carries the group's labels and taints, instance type and its own hostname", () => {
    const { templates } = harness([], [], [], [g]);
    const [t] = templates;
    expect(t!.labels).toEqual({ pool: 'demo', 'node.kubernetes.io/instance-type': '4c8g' });
    expect(t!.prototype.node.metadata?.labels?.['kubernetes.io/hostname']).toBe(
      'default/demo#4c8g-template',
    );
    expect(t!.taints).toEqual(g.taints);
  });

  test('reserves DaemonSets that would run there: their requests and a pod slot each', () => {
    const everywhere = daemonSet(
      'proxy',
      { cpu: '200m', memory: '128Mi' },
      {
        tolerations: [{ operator: 'Exists' }],
      },
    );
    const elsewhere = daemonSet(
      'gpu-plugin',
      { cpu: '1' },
      {
        nodeSelector: { pool: 'gpu' },
        tolerations: [{ operator: 'Exists' }],
      },
    );
    const intolerant = daemonSet('logs', { cpu: '1' });
    const { templates } = harness([], [], [], [g], [everywhere, elsewhere, intolerant]);
    const [t] = templates;
    expect(t!.daemonSets.map((c) => c.example.metadata?.name)).toEqual(['proxy']);
    expect(t!.fresh).toMatchObject({
      cpu: 4000 - 100 - 200,
      memory: 8 * GIB - 100 * MIB - 128 * MIB,
      pods: 109,
    });
  });

  test('DaemonSet pods tolerate the node.kubernetes.io/* condition taints on their own', () => {
    const conditioned = group('starting', {
      taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }],
    });
    const ds = daemonSet('proxy', { cpu: '200m' });
    const { templates } = harness([], [], [], [conditioned], [ds]);
    expect(templates[0]!.daemonSets).toHaveLength(1);
    expect(templates[0]!.fresh.cpu).toBe(3800);
  });
});
