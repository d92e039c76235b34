// The operator CLI for scale-down pauses, as far as it runs without a Temporal server: the target
// (`--nodegroup`), the expiry (`--for`) and the flag handling of `vpsie-autoscaler <command>`.
// Every case here fails before a connection is attempted; the calls against a real server are in
// test/temporal/scale-down-control.test.ts.
import { parseFlags, runCli } from '../../../src/cli/main';
import { expiryFrom, scopeOf } from '../../../src/cli/scale-down-pause';

describe('scopeOf', () => {
  test('no --nodegroup means cluster-wide', () => {
    expect(scopeOf({})).toEqual({ kind: 'cluster' });
    expect(scopeOf({ nodeGroup: undefined })).toEqual({ kind: 'cluster' });
  });

  test('namespace/name names one NodeGroup', () => {
    expect(scopeOf({ nodeGroup: 'prod/workers' })).toEqual({
      kind: 'nodegroup',
      namespace: 'prod',
      nodeGroup: 'workers',
    });
  });

  test.each(['workers', 'prod/', '/workers', '/', 'a/b/c', 'prod//workers'])(
    'malformed --nodegroup %p is rejected with the expected form',
    (nodeGroup) => {
      expect(() => scopeOf({ nodeGroup })).toThrow(
        `--nodegroup "${nodeGroup}": expected <namespace>/<name>`,
      );
    },
  );
});

describe('expiryFrom', () => {
  // Milliseconds on "now" are dropped from the RFC 3339 result, like the workflow's own times.
  const NOW = Date.parse('2025-06-01T12:00:00.250Z');

  test('no --for means no expiry', () => {
    expect(expiryFrom(undefined, NOW)).toBeUndefined();
  });

  test.each([
    ['30m', '2025-06-01T12:30:00Z'],
    ['2h', '2025-06-01T14:00:00Z'],
    ['1h30m', '2025-06-01T13:30:00Z'],
    ['90s', '2025-06-01T12:01:30Z'],
    ['1.5h', '2025-06-01T13:30:00Z'],
    ['3600', '2025-06-01T13:00:00Z'], // a bare number is seconds, as everywhere in the config
    ['48h', '2025-06-03T12:00:00Z'],
  ])('--for %s → %s', (duration, expected) => {
    expect(expiryFrom(duration, NOW)).toBe(expected);
  });

  test.each(['0', '0s', '0h0m', '-1h', '-30m', 'soon', '2 hours', '2d', '', 'h'])(
    '--for %p is rejected, naming the flag and the expected form',
    (duration) => {
      expect(() => expiryFrom(duration, NOW)).toThrow(
        `--for "${duration}": expected a positive duration such as 30m, 2h or 1h30m`,
      );
    },
  );
});

describe('parseFlags', () => {
  const allowed = ['nodegroup', 'for', 'reason', 'by'] as const;

  test('--name value and --name=value', () => {
    expect(
      parseFlags(
        ['--nodegroup', 'prod/workers', '--for=2h', '--reason', 'node maintenance', '--by=alice'],
        allowed,
      ),
    ).toEqual({ nodegroup: 'prod/workers', for: '2h', reason: 'node maintenance', by: 'alice' });
    expect(parseFlags([], allowed)).toEqual({});
  });

  test('a value may contain "=" and spaces', () => {
    expect(parseFlags(['--reason=a=b c'], allowed)).toEqual({ reason: 'a=b c' });
  });

  test('an unknown flag is rejected with the allowed ones', () => {
    expect(() => parseFlags(['--reason', 'x', '--force'], allowed)).toThrow(
      'unknown argument "--force"; allowed: --nodegroup, --for, --reason, --by',
    );
    expect(() => parseFlags(['--namespace=prod'], allowed)).toThrow(
      'unknown argument "--namespace=prod"; allowed: --nodegroup, --for, --reason, --by',
    );
  });

  test('positional arguments and single-dash flags are rejected', () => {
    expect(() => parseFlags(['prod/workers'], allowed)).toThrow(
      'unknown argument "prod/workers"; allowed:',
    );
    expect(() => parseFlags(['-r', 'x'], allowed)).toThrow('unknown argument "-r"');
    // An unquoted multi-word reason leaves the second word as a stray argument.
    expect(() => parseFlags(['--reason', 'node', 'maintenance'], allowed)).toThrow(
      'unknown argument "maintenance"',
    );
  });

  test('a flag without a value is an error naming it', () => {
    expect(() => parseFlags(['--reason'], allowed)).toThrow('--reason needs a value');
    expect(() => parseFlags(['--reason='], allowed)).toThrow('--reason needs a value');
    expect(() => parseFlags(['--reason', ''], allowed)).toThrow('--reason needs a value');
  });

  test('the next flag is not taken as a missing value', () => {
    expect(() => parseFlags(['--reason', '--by', 'alice'], allowed)).toThrow(
      '--reason needs a value',
    );
    expect(() => parseFlags(['--nodegroup', '--reason', 'x'], allowed)).toThrow(
      '--nodegroup needs a value',
    );
    // Written with "=", a value may start with dashes.
    expect(parseFlags(['--reason=--force was needed'], allowed)).toEqual({
      reason: '--force was needed',
    });
  });
});

describe('runCli: pause commands fail on bad input before connecting to Temporal', () => {
  test('pause-scale-down without --reason names the missing flag', async () => {
    await expect(runCli(['pause-scale-down'])).rejects.toThrow('--reason is required');
    await expect(runCli(['pause-scale-down', '--nodegroup', 'prod/workers'])).rejects.toThrow(
      '--reason is required',
    );
  });

  test('each command accepts only its own flags', async () => {
    await expect(runCli(['pause-scale-down', '--reason', 'x', '--force'])).rejects.toThrow(
      'unknown argument "--force"; allowed: --nodegroup, --for, --reason, --by',
    );
    await expect(runCli(['resume-scale-down', '--reason', 'done'])).rejects.toThrow(
      'unknown argument "--reason"; allowed: --nodegroup, --by',
    );
    await expect(runCli(['scale-down-status', '--by', 'alice'])).rejects.toThrow(
      'unknown argument "--by"; allowed: --nodegroup',
    );
  });

  test('a malformed --nodegroup or --for is reported', async () => {
    await expect(
      runCli(['pause-scale-down', '--nodegroup', 'workers', '--reason', 'x']),
    ).rejects.toThrow('--nodegroup "workers": expected <namespace>/<name>');
    await expect(runCli(['pause-scale-down', '--for', '-2h', '--reason', 'x'])).rejects.toThrow(
      '--for "-2h": expected a positive duration',
    );
    await expect(runCli(['resume-scale-down', '--nodegroup', 'a/b/c'])).rejects.toThrow(
      '--nodegroup "a/b/c": expected <namespace>/<name>',
    );
    await expect(runCli(['scale-down-status', '--nodegroup=/workers'])).rejects.toThrow(
      '--nodegroup "/workers": expected <namespace>/<name>',
    );
  });

  test('help lists the pause commands; an unknown command is an error with the usage', async () => {
    for (const help of [[], ['help'], ['--help']]) {
      const usage = await runCli(help);
      expect(usage).toContain('pause-scale-down [--nodegroup NS/NAME] [--for 2h] --reason TEXT');
      expect(usage).toContain('resume-scale-down [--nodegroup NS/NAME] [--by NAME]');
      expect(usage).toContain('scale-down-status [--nodegroup NS/NAME]');
    }
    await expect(runCli(['pause'])).rejects.toThrow(/^unknown command "pause"\n\nUsage:/);
  });
});
