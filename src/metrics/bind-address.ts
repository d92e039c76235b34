// Parses the listen address of a metrics endpoint, in the forms the flags accept:
// ":8080" (all interfaces), "127.0.0.1:9090", "localhost:9090", "[::1]:0" (port 0 = any free).
import { isIPv4, isIPv6 } from 'node:net';

export interface BindAddress {
  /** undefined = all interfaces. */
  host: string | undefined;
  port: number;
}

const HOSTNAME =
  /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const DIGITS_AND_DOTS = /^[0-9.]+$/;

export class InvalidBindAddressError extends Error {
  override readonly name = 'InvalidBindAddressError';
  constructor(
    readonly address: string,
    problem: string,
  ) {
    super(
      `invalid bind address ${JSON.stringify(address)}: ${problem}; expected ":<port>", ` +
        '"<host or IPv4>:<port>" or "[<IPv6>]:<port>" with a port from 0 to 65535',
    );
  }
}

export function parseBindAddress(address: string): BindAddress {
  const colon = address.lastIndexOf(':');
  if (colon < 0) throw new InvalidBindAddressError(address, 'no port');
  const hostPart = address.slice(0, colon);
  const port = parsePort(address, address.slice(colon + 1));

  if (hostPart === '') return { host: undefined, port };
  if (hostPart.startsWith('[') && hostPart.endsWith(']')) {
    const ipv6 = hostPart.slice(1, -1);
    if (!isIPv6(ipv6))
      throw new InvalidBindAddressError(address, `"${ipv6}" is not an IPv6 address`);
    return { host: ipv6, port };
  }
  if (hostPart.includes(':')) {
    const problem = isIPv6(hostPart)
      ? 'an IPv6 address must be in brackets'
      : `"${hostPart}" is not a host`;
    throw new InvalidBindAddressError(address, problem);
  }
  // "999.1.1.1" looks like a hostname to the pattern but is a mistyped IPv4 address.
  const valid = DIGITS_AND_DOTS.test(hostPart) ? isIPv4(hostPart) : HOSTNAME.test(hostPart);
  if (!valid) throw new InvalidBindAddressError(address, `"${hostPart}" is not a host`);
  return { host: hostPart, port };
}

function parsePort(address: string, text: string): number {
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : NaN;
  if (!(port >= 0 && port <= 65535)) {
    throw new InvalidBindAddressError(address, `"${text}" is not a port`);
  }
  return port;
}
