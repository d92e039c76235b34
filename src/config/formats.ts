// Value formats the schema checks, each with the phrase an error message uses to say what is
// allowed. Kept apart from the schema so credentials (the Secret's `url`) reuse the URL rule.

export const HTTPS_URL_EXPECTED =
  'an https:// URL (http:// only for loopback hosts such as localhost or 127.0.0.1)';

/** Hosts where plain HTTP never leaves the machine: the simulator and local tests use them. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}

/**
 * True for the VPSie API base URLs we accept. Tokens travel in a header on every request, so
 * anything but HTTPS would send them in clear text across the network.
 */
export function isAllowedApiUrl(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

export const BIND_ADDRESS_EXPECTED = 'an address [host]:port such as :8080 or 0.0.0.0:8080';
export const HOST_PORT_EXPECTED = 'an address host:port such as 127.0.0.1:7233';

// host is a name, an IPv4 address or a bracketed IPv6 address; port 0-65535.
const ADDRESS = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)?:(\d{1,5})$/;

function parseAddress(value: string): { host: string; port: number } | undefined {
  const match = ADDRESS.exec(value);
  if (!match) return undefined;
  const port = Number(match[2]);
  return port <= 65535 ? { host: match[1] ?? '', port } : undefined;
}

/** Listen address: the host may be left out to listen on every interface (Go's `:8080`). */
export function isBindAddress(value: string): boolean {
  return parseAddress(value) !== undefined;
}

const WILDCARD_HOSTS = new Set(['', '0.0.0.0', '[::]']);

/** True when two listen addresses would fight over one port. */
export function bindAddressesCollide(a: string, b: string): boolean {
  const x = parseAddress(a);
  const y = parseAddress(b);
  if (!x || !y || x.port !== y.port || x.port === 0) return false;
  return x.host === y.host || WILDCARD_HOSTS.has(x.host) || WILDCARD_HOSTS.has(y.host);
}

/** Address to dial: the host is required. */
export function isHostPort(value: string): boolean {
  const address = parseAddress(value);
  return address !== undefined && address.host !== '' && address.port > 0;
}

export const DNS_LABEL_EXPECTED =
  'a Kubernetes namespace name (lowercase letters, digits and "-", at most 63 characters)';
export const DNS_SUBDOMAIN_EXPECTED =
  'a Kubernetes object name (lowercase letters, digits, "-" and ".", at most 253 characters)';

export function isDnsLabel(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

export function isDnsSubdomain(value: string): boolean {
  return (
    value.length <= 253 &&
    value.split('.').every((part) => /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(part))
  );
}
