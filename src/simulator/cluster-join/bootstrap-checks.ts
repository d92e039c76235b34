// The two checks a kubeadm join depends on, done as the cluster does them:
// - the bootstrap token must be a live bootstrap-token Secret (kube-system/bootstrap-token-<id>,
//   type bootstrap.kubernetes.io/token) with the same secret, not expired, and allowed for the
//   use at hand: `signing` for discovery (the bootstrap signer signs the cluster-info ConfigMap
//   only with such tokens, and kubeadm needs that signature) and `authentication` for the
//   kubelet's TLS bootstrap (the API server's bootstrap authenticator);
// - a `sha256:<hex>` pin must equal the SHA-256 of the cluster CA certificate's
//   SubjectPublicKeyInfo (DER), as kubeadm's pubkeypin computes it.
// Reasons never contain a token secret.

import { createHash, timingSafeEqual, X509Certificate } from 'node:crypto';
import type { V1Secret } from '@kubernetes/client-node';
import { TOKEN_FORMAT } from './kubeadm-join';

export const BOOTSTRAP_TOKEN_SECRET_TYPE = 'bootstrap.kubernetes.io/token';
export type TokenUsage = 'authentication' | 'signing';

/** `<id>` of a well-formed `<id>.<secret>` token. */
export function tokenId(token: string): string {
  return TOKEN_FORMAT.exec(token)?.[1] ?? '';
}

export function bootstrapTokenSecretName(token: string): string {
  return `bootstrap-token-${tokenId(token)}`;
}

/** Undefined when `secret` lets `token` be used for `usage` at `now`; else why not. */
export function bootstrapTokenProblem(
  token: string,
  secret: V1Secret | undefined,
  usage: TokenUsage,
  now: Date,
): string | undefined {
  const found = TOKEN_FORMAT.exec(token);
  if (!found) return 'the bootstrap token is malformed';
  const [, id, tokenSecret] = found;
  const where = `Secret kube-system/bootstrap-token-${id}`;
  if (!secret || secret.metadata?.deletionTimestamp) {
    return `bootstrap token "${id}" is unknown to the cluster (no ${where})`;
  }
  if (secret.type !== BOOTSTRAP_TOKEN_SECRET_TYPE) {
    return `${where} is not of type ${BOOTSTRAP_TOKEN_SECRET_TYPE}`;
  }
  const data = decode(secret.data);
  if (data['token-id'] !== undefined && data['token-id'] !== id) {
    return `${where} holds token-id "${data['token-id']}", not "${id}"`;
  }
  if (!sameText(data['token-secret'] ?? '', tokenSecret!)) {
    return `bootstrap token "${id}" does not match ${where} (wrong token secret)`;
  }
  const expiration = data.expiration;
  if (expiration !== undefined) {
    const expiresAt = Date.parse(expiration);
    // The API server treats an unreadable expiration as expired.
    if (Number.isNaN(expiresAt) || now.getTime() >= expiresAt) {
      return `bootstrap token "${id}" expired (expiration ${expiration})`;
    }
  }
  if (data[`usage-bootstrap-${usage}`] !== 'true') {
    return (
      `bootstrap token "${id}" may not be used for ${usage} ` +
      `(usage-bootstrap-${usage} is not "true" in ${where})`
    );
  }
  return undefined;
}

/** The pins kubeadm would accept for `caPem` (one per certificate in the bundle). */
export function caCertHashes(caPem: string): string[] {
  const blocks = caPem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g);
  return (blocks ?? []).map((pem) => {
    const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
    return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
  });
}

/** Undefined when one of `pins` matches a CA certificate; else kubeadm's complaint. */
export function caPinProblem(pins: readonly string[], caPem: string): string | undefined {
  const actual = caCertHashes(caPem);
  const wanted = new Set(pins.map((pin) => pin.toLowerCase()));
  if (actual.some((hash) => wanted.has(hash))) return undefined;
  return (
    `the cluster CA is not pinned: none of its public keys [${actual.join(' ')}] matches ` +
    `caCertHashes [${pins.join(' ')}]`
  );
}

function decode(data: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(
    Object.entries(data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
