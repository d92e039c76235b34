import { classifyApiFailure, isQuotaMessage } from '../../../src/vpsie/classify';
import {
  VpsieAuthError,
  VpsieNotFoundError,
  VpsiePermanentError,
  VpsieRateLimitedError,
  VpsieTransientError,
} from '../../../src/vpsie/errors';

const failure = (httpStatus: number, message: string, apiCode?: number) =>
  classifyApiFailure({ operation: 'createVm', httpStatus, message, apiCode });

describe('quota and capacity messages are permanent', () => {
  const phrases = [
    'Server count exceeds the allowed limit',
    'Quota exceeded for CPUs',
    'Your plan does not allow more servers',
    'You reached the maximum number of servers',
    'Server limit reached',
    'Your subscription does not allow this size',
  ];
  test.each(phrases)('%s', (message) => {
    expect(isQuotaMessage(message)).toBe(true);
    for (const [status, code] of [
      [200, undefined],
      [200, 400],
      [400, 400],
      [403, 403],
    ] as const) {
      const error = failure(status, message, code);
      expect(error).toBeInstanceOf(VpsiePermanentError);
      expect(error).toMatchObject({ type: 'permanent', reason: 'quota', retryable: false });
    }
  });

  test('a 5xx mentioning a limit is load, not quota', () => {
    expect(failure(503, 'connection limit reached')).toBeInstanceOf(VpsieTransientError);
  });
});

test('HTTP 200 with error:true takes its class from the body code', () => {
  expect(failure(200, 'boom', 500)).toBeInstanceOf(VpsieTransientError);
  expect(failure(200, 'who are you', 401)).toBeInstanceOf(VpsieAuthError);
  expect(failure(200, 'gone', 404)).toBeInstanceOf(VpsieNotFoundError);
  expect(failure(200, 'hostname is invalid', 400)).toMatchObject({ reason: 'validation' });
  expect(failure(200, 'slow down', 429)).toBeInstanceOf(VpsieRateLimitedError);
});

test('HTTP 200 with error:true and no usable code is a permanent refusal', () => {
  const error = failure(200, 'Something is not right');
  expect(error).toMatchObject({ type: 'permanent', reason: 'rejected', httpStatus: 200 });
  expect(failure(200, 'VM not found')).toBeInstanceOf(VpsieNotFoundError);
});

test('HTTP statuses map onto the observer error types', () => {
  expect(failure(401, 'no')).toMatchObject({ type: 'auth', retryable: false, httpStatus: 401 });
  expect(failure(403, 'no')).toMatchObject({ type: 'auth' });
  expect(failure(404, 'no')).toMatchObject({ type: 'not_found', retryable: false });
  expect(failure(400, 'VM not found')).toMatchObject({ type: 'not_found' });
  expect(failure(422, 'bad')).toMatchObject({ type: 'permanent', reason: 'validation' });
  expect(failure(409, 'conflict')).toMatchObject({ type: 'permanent', reason: 'rejected' });
  expect(failure(500, '')).toMatchObject({
    type: 'transient',
    reason: 'http_5xx',
    retryable: true,
  });
  expect(failure(408, '')).toMatchObject({ type: 'transient' });
  const limited = classifyApiFailure({
    operation: 'getVm',
    httpStatus: 429,
    message: 'slow',
    retryAfterMs: 1500,
  });
  expect(limited).toMatchObject({ type: 'rate_limited', retryable: true, retryAfterMs: 1500 });
});

test('messages name the operation, the API message and the status', () => {
  const error = failure(400, 'hostname is invalid', 400);
  expect(error.message).toBe('createVm: hostname is invalid (HTTP 400, code 400)');
  expect(error.operation).toBe('createVm');
  expect(error.name).toBe('VpsiePermanentError');
  expect(failure(502, '').message).toBe('createVm: HTTP 502 without a message (HTTP 502)');
});
