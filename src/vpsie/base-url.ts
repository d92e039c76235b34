// The API base URL policy: HTTPS only, because every request carries the account's token;
// plain http:// only for loopback hosts (tests and the local simulator), where it never leaves the
// machine. Checked once, at client construction, so a bad config fails at start-up.

const LOOPBACK_NAMES = new Set(['localhost', '[::1]', '::1']);

export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  if (LOOPBACK_NAMES.has(host) || host.endsWith('.localhost')) return true;
  const octets = host.split('.');
  return (
    octets.length === 4 &&
    octets[0] === '127' &&
    octets.every((o) => /^\d{1,3}$/.test(o) && Number(o) <= 255)
  );
}

/** The validated base URL without a trailing slash; throws with the reason otherwise. */
export function validateBaseUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`VPSie base URL is not a valid URL: ${JSON.stringify(raw)}`);
  }
  if (url.username || url.password) {
    throw new Error('VPSie base URL must not contain credentials');
  }
  if (url.search || url.hash) {
    throw new Error('VPSie base URL must not have a query or fragment');
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw new Error(
      `VPSie base URL must use https:// (plain http:// is allowed only for loopback hosts such as ` +
        `127.0.0.1 or localhost, for tests and the simulator): got ${url.origin}`,
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`VPSie base URL must use https://: got ${url.protocol}`);
  }
  return url.toString().replace(/\/+$/, '');
}
