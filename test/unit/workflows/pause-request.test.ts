// The pause request check shared by the update validator, the update handler and the signal
// handler of the scale-down control workflow: plain data in, an error naming the field out.
import {
  controlWorkflowId,
  validatePauseRequest,
  type PauseRequest,
} from '../../../src/workflows/scale-down-control';

const NOW = Date.parse('2025-06-01T12:00:00Z');

function problemOf(request: PauseRequest, nowMs = NOW): string {
  try {
    validatePauseRequest(request, nowMs);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the request to be rejected, but it was accepted');
}

describe('validatePauseRequest', () => {
  test('a missing reason is rejected and the message names the reason', () => {
    expect(problemOf({} as PauseRequest)).toMatch(/needs a reason/);
    expect(problemOf({ reason: '' })).toMatch(/needs a reason/);
  });

  test('a blank reason (whitespace only) is rejected like a missing one', () => {
    expect(problemOf({ reason: '   ' })).toMatch(/needs a reason/);
    expect(problemOf({ reason: '\n\t' })).toMatch(/needs a reason/);
  });

  test('a reason longer than 1024 characters is rejected; 1024 is the limit', () => {
    expect(problemOf({ reason: 'x'.repeat(1025) })).toBe('reason: at most 1024 characters');
    expect(() => validatePauseRequest({ reason: 'x'.repeat(1024) }, NOW)).not.toThrow();
  });

  test('an expiresAt that is not a time is rejected and the message names expiresAt', () => {
    for (const expiresAt of ['tomorrow', '', '2025-13-45T99:00:00Z']) {
      const message = problemOf({ reason: 'maintenance', expiresAt });
      expect(message).toMatch(/^expiresAt /);
      expect(message).toContain(`"${expiresAt}"`);
      expect(message).toContain('not an RFC 3339 time');
    }
  });

  test('an expiresAt in the past, or exactly now, is rejected', () => {
    // 13:00+01:00 is exactly NOW.
    expect(problemOf({ reason: 'maintenance', expiresAt: '2025-06-01T13:00:00+01:00' })).toMatch(
      /^expiresAt .* is in the past$/,
    );
    expect(problemOf({ reason: 'maintenance', expiresAt: '2025-06-01T11:59:59Z' })).toBe(
      'expiresAt 2025-06-01T11:59:59Z is in the past',
    );
    expect(problemOf({ reason: 'maintenance', expiresAt: '2025-06-01T12:00:00Z' })).toBe(
      'expiresAt 2025-06-01T12:00:00Z is in the past',
    );
  });

  test('the reason is checked before the expiry', () => {
    expect(problemOf({ reason: '', expiresAt: 'garbage' })).toMatch(/needs a reason/);
  });

  test('valid requests pass: with or without an expiry and an author', () => {
    const valid: PauseRequest[] = [
      { reason: 'maintenance' },
      { reason: 'maintenance', by: 'alice' },
      { reason: 'maintenance', expiresAt: '2025-06-01T12:00:01Z' },
      { reason: 'maintenance', by: 'alice', expiresAt: '2025-06-01T14:00:00.500Z' },
      // An offset is honoured: 15:00+02:00 is 13:00Z, an hour ahead.
      { reason: '  padded but not blank  ', expiresAt: '2025-06-01T15:00:00+02:00' },
    ];
    for (const request of valid) {
      expect(() => validatePauseRequest(request, NOW)).not.toThrow();
    }
  });
});

describe('controlWorkflowId', () => {
  test('one workflow cluster-wide and one per NodeGroup', () => {
    expect(controlWorkflowId({ kind: 'cluster' })).toBe('scale-down-control/cluster');
    expect(controlWorkflowId({ kind: 'nodegroup', namespace: 'prod', nodeGroup: 'workers' })).toBe(
      'scale-down-control/prod/workers',
    );
  });
});
