// Checks about the group and the cluster rather than the node's pods: paused, cluster_health,
// maintenance_window, cooldown, min_nodes.
import { checkClusterHealth } from '../../../../src/disruption/safety/cluster-health';
import { checkCooldown } from '../../../../src/disruption/safety/cooldown';
import { checkMaintenanceWindow } from '../../../../src/disruption/safety/maintenance-window';
import { checkMinNodes } from '../../../../src/disruption/safety/min-nodes';
import { checkPaused } from '../../../../src/disruption/safety/paused';
import type { GroupPolicy, MaintenanceWindowSpec } from '../../../../src/disruption';
import { MINUTE, NOW, node, safetyInput } from '../fixtures';

const group = (patch: Partial<GroupPolicy> = {}): GroupPolicy => ({
  minNodes: 0,
  currentNodes: [],
  deletingNodes: [],
  ...patch,
});

describe('paused', () => {
  test('passes when not paused', () => {
    expect(checkPaused({ group: group(), nowMs: NOW })).toEqual({ ok: true });
    expect(checkPaused({ group: group({ pause: { paused: false } }), nowMs: NOW }).ok).toBe(true);
  });

  test('blocks while paused, naming the reason and the expiry', () => {
    const result = checkPaused({
      group: group({
        pause: { paused: true, reason: 'quarterly audit', expiresAtMs: NOW + 90 * MINUTE },
      }),
      nowMs: NOW,
    });
    expect(result).toMatchObject({ ok: false, code: 'paused' });
    expect(!result.ok && result.message).toContain('quarterly audit');
    expect(!result.ok && result.message).toContain('2025-06-04T13:30:00.000Z');
    expect(!result.ok && result.message).toContain('1h30m');
  });

  test('a pause without expiry blocks until resumed', () => {
    const result = checkPaused({ group: group({ pause: { paused: true } }), nowMs: NOW });
    expect(result).toMatchObject({ ok: false, code: 'paused' });
    expect(!result.ok && result.message).toContain('until resumed');
  });

  test('an expired pause no longer blocks', () => {
    const pause = { paused: true, expiresAtMs: NOW };
    expect(checkPaused({ group: group({ pause }), nowMs: NOW }).ok).toBe(true);
    expect(checkPaused({ group: group({ pause }), nowMs: NOW - 1 }).ok).toBe(false);
  });
});

describe('cluster_health (Cluster Autoscaler: unhealthy when unready > 3 AND > 45 %)', () => {
  const nodes = (ready: number, unready: number) => [
    ...Array.from({ length: ready }, (_, i) => node(`ready-${i}`)),
    ...Array.from({ length: unready }, (_, i) => node(`down-${i}`, { ready: false })),
  ];
  const check = (allNodes = nodes(1, 0), clusterHealth = {}) =>
    checkClusterHealth({ allNodes, clusterHealth, nowMs: NOW });

  test('passes with every node ready', () => {
    expect(check(nodes(5, 0)).ok).toBe(true);
  });

  test('blocks when more than 3 and more than 45 % are unready', () => {
    const result = check(nodes(5, 5));
    expect(result).toMatchObject({ ok: false, code: 'cluster_health' });
    expect(!result.ok && result.message).toContain('5 of 10 nodes are unready');
  });

  test('3 unready nodes are tolerated even when they are most of the cluster', () => {
    expect(check(nodes(1, 3)).ok).toBe(true);
  });

  test('4 unready nodes out of 10 are tolerated: not more than 45 %', () => {
    expect(check(nodes(6, 4)).ok).toBe(true);
  });

  test('a node still within its startup grace is starting, not unready', () => {
    const young = node('new', { ready: false, createdMs: NOW - 5 * MINUTE });
    const old = node('stuck', { ready: false, createdMs: NOW - 16 * MINUTE });
    expect(check([...nodes(2, 3), young]).ok).toBe(true);
    expect(check([...nodes(2, 3), old]).ok).toBe(false);
  });

  test('thresholds can be configured', () => {
    expect(check(nodes(9, 2), { okUnreadyCount: 1, maxUnreadyPercentage: 10 }).ok).toBe(false);
  });
});

describe('maintenance_window', () => {
  // NOW is Wednesday 2025-06-04 12:00 UTC (14:00 in Berlin, 08:00 in New York).
  const check = (windows: MaintenanceWindowSpec[] | undefined, nowMs = NOW) =>
    checkMaintenanceWindow({ group: group({ maintenanceWindows: windows }), nowMs });
  const at = (iso: string) => Date.parse(iso);

  test('no windows: scale-down at any time', () => {
    expect(check(undefined).ok).toBe(true);
    expect(check([]).ok).toBe(true);
  });

  test('inside a window passes, outside blocks', () => {
    expect(check([{ days: ['Wed'], start: '09:00', end: '17:00', timeZone: 'UTC' }]).ok).toBe(true);
    const result = check([{ days: ['Mon', 'Tue'], start: '09:00', end: '17:00', timeZone: 'UTC' }]);
    expect(result).toMatchObject({ ok: false, code: 'maintenance_window' });
    expect(!result.ok && result.message).toContain('Mon,Tue 09:00-17:00 UTC');
  });

  test('start is inclusive, end exclusive, and end 24:00 runs to midnight', () => {
    const w: MaintenanceWindowSpec = { days: ['Wed'], start: '12:00', end: '24:00' };
    expect(check([w], at('2025-06-04T12:00:00Z')).ok).toBe(true);
    expect(check([w], at('2025-06-04T23:59:00Z')).ok).toBe(true);
    expect(check([w], at('2025-06-05T00:00:00Z')).ok).toBe(false);
    expect(check([{ ...w, start: '09:00', end: '12:00' }], NOW).ok).toBe(false);
  });

  test('any open window among several is enough', () => {
    const closed = { days: ['Sun' as const], start: '00:00', end: '24:00' };
    const open = { days: ['Wed' as const], start: '11:00', end: '13:00' };
    expect(check([closed]).ok).toBe(false);
    expect(check([closed, open]).ok).toBe(true);
  });

  test('a window past midnight belongs to the day it opens', () => {
    const tuesdayNight: MaintenanceWindowSpec = {
      days: ['Tue'],
      start: '22:00',
      end: '06:00',
      timeZone: 'UTC',
    };
    expect(check([tuesdayNight], at('2025-06-03T23:00:00Z')).ok).toBe(true); // Tue 23:00
    expect(check([tuesdayNight], at('2025-06-04T05:59:00Z')).ok).toBe(true); // Wed 05:59
    expect(check([tuesdayNight], at('2025-06-04T06:00:00Z')).ok).toBe(false); // Wed 06:00
    expect(check([tuesdayNight], at('2025-06-04T23:00:00Z')).ok).toBe(false); // Wed 23:00
    expect(check([tuesdayNight], at('2025-06-03T05:00:00Z')).ok).toBe(false); // Tue 05:00
  });

  test('Sunday night runs into Monday morning', () => {
    const sunday: MaintenanceWindowSpec = { days: ['Sun'], start: '23:00', end: '02:00' };
    expect(check([sunday], at('2025-06-09T01:00:00Z')).ok).toBe(true); // Mon 01:00
  });

  test('windows are wall-clock time in their own time zone', () => {
    const berlin = {
      days: ['Wed' as const],
      start: '13:00',
      end: '15:00',
      timeZone: 'Europe/Berlin',
    };
    expect(check([berlin], NOW).ok).toBe(true); // 14:00 CEST
    expect(check([berlin], at('2025-06-04T13:30:00Z')).ok).toBe(false); // 15:30 CEST
    const newYork = {
      days: ['Wed' as const],
      start: '07:00',
      end: '09:00',
      timeZone: 'America/New_York',
    };
    expect(check([newYork], NOW).ok).toBe(true); // 08:00 EDT
    // Tokyo (UTC+9) is already on Thursday at 21:00 UTC Wednesday.
    const tokyo = { days: ['Thu' as const], start: '06:00', end: '07:00', timeZone: 'Asia/Tokyo' };
    expect(check([tokyo], at('2025-06-04T21:30:00Z')).ok).toBe(true);
  });

  test('daylight saving time is followed', () => {
    // Berlin moved from UTC+1 to UTC+2 at 01:00 UTC on Sunday 2025-03-30.
    const w = { days: ['Sun' as const], start: '03:00', end: '04:00', timeZone: 'Europe/Berlin' };
    expect(check([w], at('2025-03-30T01:30:00Z')).ok).toBe(true); // 03:30 CEST
    expect(check([w], at('2025-03-30T02:30:00Z')).ok).toBe(false); // 04:30 CEST
    expect(check([w], at('2025-03-30T00:30:00Z')).ok).toBe(false); // 01:30 CET
  });

  test('a window in an unknown time zone is closed', () => {
    const result = check([
      { days: ['Wed'], start: '00:00', end: '24:00', timeZone: 'Mars/Olympus' },
    ]);
    expect(result).toMatchObject({ ok: false, code: 'maintenance_window' });
    expect(!result.ok && result.message).toContain('unknown time zone');
  });
});

describe('cooldown', () => {
  const check = (cooldowns: GroupPolicy['cooldowns']) =>
    checkCooldown({ group: group({ cooldowns }), nowMs: NOW });

  test('passes with no earlier scaling', () => {
    expect(check(undefined).ok).toBe(true);
    expect(check({}).ok).toBe(true);
  });

  test('10 minutes after a scale-up by default', () => {
    const result = check({ lastScaleUpMs: NOW - 4 * MINUTE });
    expect(result).toMatchObject({ ok: false, code: 'cooldown' });
    expect(!result.ok && result.message).toContain('6m left');
    expect(check({ lastScaleUpMs: NOW - 10 * MINUTE }).ok).toBe(true);
  });

  test('3 minutes after a failed scale-down by default', () => {
    expect(check({ lastScaleDownFailureMs: NOW - 2 * MINUTE }).ok).toBe(false);
    expect(check({ lastScaleDownFailureMs: NOW - 3 * MINUTE }).ok).toBe(true);
  });

  test('no delay after a successful scale-down by default, configurable', () => {
    expect(check({ lastScaleDownMs: NOW - 1000 }).ok).toBe(true);
    expect(check({ lastScaleDownMs: NOW - 1000, delayAfterDeleteMs: 5 * MINUTE }).ok).toBe(false);
  });

  test('the group’s own delay after add replaces the default', () => {
    expect(check({ lastScaleUpMs: NOW - 20 * MINUTE, delayAfterAddMs: 30 * MINUTE }).ok).toBe(
      false,
    );
    expect(check({ lastScaleUpMs: NOW - 2 * MINUTE, delayAfterAddMs: MINUTE }).ok).toBe(true);
  });

  test('names every active delay', () => {
    const result = check({ lastScaleUpMs: NOW - MINUTE, lastScaleDownFailureMs: NOW - MINUTE });
    expect(!result.ok && result.message).toMatch(/scale-up.*failed scale-down/);
  });
});

describe('min_nodes', () => {
  const input = (patch: Partial<GroupPolicy>) =>
    safetyInput(node('a'), {}, { group: group({ currentNodes: ['a', 'b', 'c'], ...patch }) });

  test('passes when the group stays at or above minNodes', () => {
    expect(checkMinNodes(input({ minNodes: 2 })).ok).toBe(true);
  });

  test('blocks when it would go below', () => {
    const result = checkMinNodes(input({ minNodes: 3 }));
    expect(result).toMatchObject({ ok: false, code: 'min_nodes' });
    expect(!result.ok && result.message).toContain('leave 2 node(s), below minNodes 3');
  });

  test('nodes being deleted do not count as remaining (the cascade-delete bug)', () => {
    expect(checkMinNodes(input({ minNodes: 2, deletingNodes: ['b'] })).ok).toBe(false);
  });

  test('the candidate listed as deleting (a workflow re-checking its own node) is not counted twice', () => {
    expect(checkMinNodes(input({ minNodes: 2, deletingNodes: ['a'] })).ok).toBe(true);
  });
});
