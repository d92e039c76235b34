import { isLoopbackHost, validateBaseUrl } from '../../../src/vpsie/base-url';
import { VpsieClient } from '../../../src/vpsie/client';

test('accepts https anywhere and trims the trailing slash', () => {
  expect(validateBaseUrl('https://api.vpsie.com/')).toBe('https://api.vpsie.com');
  expect(validateBaseUrl('https://staging.example.com/prefix/')).toBe(
    'https://staging.example.com/prefix',
  );
});

test.each(['http://127.0.0.1:8080', 'http://127.9.8.7', 'http://localhost:1', 'http://[::1]:9'])(
  'accepts plain http on loopback: %s',
  (url) => {
    expect(() => validateBaseUrl(url)).not.toThrow();
  },
);

test.each([
  'http://api.vpsie.com',
  'http://10.0.0.1',
  'http://128.0.0.1',
  'http://localhost.evil.com',
])('refuses plain http elsewhere: %s', (url) => {
  expect(() => validateBaseUrl(url)).toThrow(/must use https:\/\/.*loopback/);
});

test('refuses other schemes, credentials in the URL and garbage', () => {
  expect(() => validateBaseUrl('ftp://api.vpsie.com')).toThrow(/https/);
  expect(() => validateBaseUrl('https://user:pw@api.vpsie.com')).toThrow(/credentials/);
  expect(() => validateBaseUrl('not a url')).toThrow(/not a valid URL/);
});

test('loopback detection', () => {
  expect(isLoopbackHost('127.0.0.1')).toBe(true);
  expect(isLoopbackHost('LOCALHOST')).toBe(true);
  expect(isLoopbackHost('127.0.0.256')).toBe(false);
  expect(isLoopbackHost('example.com')).toBe(false);
});

test('the client checks the URL at construction', () => {
  expect(
    () =>
      new VpsieClient({
        baseUrl: 'http://api.vpsie.com',
        credentials: { kind: 'token', token: 't' },
      }),
  ).toThrow(/must use https/);
});
