import { durationToSeconds, parseGoDuration } from '../../../src/config/duration';
import {
  bindAddressesCollide,
  isAllowedApiUrl,
  isBindAddress,
  isHostPort,
} from '../../../src/config/formats';
import { resolveConfig } from '../../../src/config/load';
import { problemsOf } from './helpers';

describe('vpsie.baseUrl must be HTTPS, except loopback hosts', () => {
  test.each([
    'https://api.vpsie.com',
    'https://api.vpsie.com/v2',
    'http://localhost:8090',
    'http://127.0.0.1:8090/v2',
    'http://127.5.6.7',
    'http://[::1]:8090',
  ])('%s is accepted', (url) => {
    expect(isAllowedApiUrl(url)).toBe(true);
    expect(resolveConfig({ argv: [`--vpsie.base-url=${url}`] }).config.vpsie.baseUrl).toBe(url);
  });

  test.each([
    'http://api.vpsie.com',
    'http://10.0.0.5:8090',
    'http://localhost.evil.test',
    'ftp://api.vpsie.com',
    'api.vpsie.com',
    'https://user:pass@api.vpsie.com',
  ])('%s is refused', (url) => {
    expect(isAllowedApiUrl(url)).toBe(false);
  });

  test('the error says what is allowed and where the value came from', () => {
    expect(
      problemsOf({ env: { VPSIE_AUTOSCALER_VPSIE_BASE_URL: 'http://api.vpsie.com' } }),
    ).toEqual([
      'vpsie.baseUrl: "http://api.vpsie.com" from env VPSIE_AUTOSCALER_VPSIE_BASE_URL is not allowed; expected an https:// URL (http:// only for loopback hosts such as localhost or 127.0.0.1)',
    ]);
  });
});

test('addresses', () => {
  for (const ok of [':8080', '0.0.0.0:8080', 'localhost:8080', '[::]:9090', '127.0.0.1:0']) {
    expect(isBindAddress(ok)).toBe(true);
  }
  for (const bad of ['8080', ':', ':70000', 'host', 'a b:80'])
    expect(isBindAddress(bad)).toBe(false);
  expect(isHostPort('temporal.example:7233')).toBe(true);
  expect(isHostPort(':7233')).toBe(false);
  expect(bindAddressesCollide(':8080', '127.0.0.1:8080')).toBe(true);
  expect(bindAddressesCollide('127.0.0.1:8080', '10.0.0.1:8080')).toBe(false);
  expect(bindAddressesCollide(':8080', ':8081')).toBe(false);
});

describe('durations in Go syntax', () => {
  test.each([
    ['30m', 1800],
    ['1h30m', 5400],
    ['1h0m30s', 3630],
    ['90s', 90],
    ['1.5h', 5400],
    ['500ms', 0.5],
    ['0', 0],
  ])('%s is %d seconds', (text, seconds) => {
    expect(parseGoDuration(text)).toBe(seconds);
  });

  test.each(['', '30', '-5m', '1d', '1h 30m', 'm', '30 minutes'])('%j is not one', (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });

  test('a plain number means seconds (YAML numbers, a serialised config)', () => {
    expect(durationToSeconds(1800)).toBe(1800);
    expect(durationToSeconds('1800')).toBe(1800);
    expect(durationToSeconds(-1)).toBeUndefined();
    expect(durationToSeconds(true)).toBeUndefined();
  });

  test('a resolved config serialised to JSON loads back to the same config', () => {
    const { config } = resolveConfig({
      argv: ['--failed-vpsienode-ttl=1h30m', '--log-level=warn'],
    });
    const again = resolveConfig({ file: { path: 'dump.json', text: JSON.stringify(config) } });
    expect(again.config).toEqual(config);
  });
});
