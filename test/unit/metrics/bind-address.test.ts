import { InvalidBindAddressError, parseBindAddress } from '../../../src/metrics/bind-address';

test.each([
  [':8080', { host: undefined, port: 8080 }],
  [':0', { host: undefined, port: 0 }],
  ['127.0.0.1:9090', { host: '127.0.0.1', port: 9090 }],
  ['0.0.0.0:65535', { host: '0.0.0.0', port: 65535 }],
  ['[::1]:0', { host: '::1', port: 0 }],
  ['[::]:8080', { host: '::', port: 8080 }],
  ['localhost:8080', { host: 'localhost', port: 8080 }],
  ['metrics.kube-system.svc:80', { host: 'metrics.kube-system.svc', port: 80 }],
])('parses %j', (address, expected) => {
  expect(parseBindAddress(address)).toEqual(expected);
});

test.each([
  ['', /no port/],
  ['8080', /no port/],
  ['127.0.0.1', /no port/],
  ['127.0.0.1:', /"" is not a port/],
  [':65536', /"65536" is not a port/],
  [':http', /"http" is not a port/],
  [':-1', /"-1" is not a port/],
  [':80 ', /is not a port/],
  ['::1:80', /IPv6 address must be in brackets/],
  ['[::1]', /is not a port/],
  ['[localhost]:80', /"localhost" is not an IPv6 address/],
  ['999.1.1.1:80', /"999.1.1.1" is not a host/],
  ['bad_host:80', /"bad_host" is not a host/],
  ['http://x:80', /"http:\/\/x" is not a host/],
])('rejects %j clearly', (address, problem) => {
  let thrown: unknown;
  try {
    parseBindAddress(address);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toBeInstanceOf(InvalidBindAddressError);
  const message = (thrown as Error).message;
  expect(message).toMatch(problem);
  expect(message).toContain(`invalid bind address ${JSON.stringify(address)}`);
  expect(message).toContain('"[<IPv6>]:<port>"');
});
