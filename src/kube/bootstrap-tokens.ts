// kubeadm bootstrap tokens (Secrets `bootstrap-token-<id>` in kube-system): one per node, short
// TTL, usable only to join. The token-cleaner controller deletes expired ones; we delete ours as
// soon as the node has joined or provisioning failed.
import { randomBytes } from 'node:crypto';
import type * as k8s from '@kubernetes/client-node';
import { isNotFound } from './clients';

const NAMESPACE = 'kube-system';
const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

function randomString(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

export const tokenSecretName = (tokenId: string) => `bootstrap-token-${tokenId}`;

export async function createBootstrapToken(
  core: k8s.CoreV1Api,
  options: { ttlSeconds: number; description: string; labels: Record<string, string>; now?: Date },
): Promise<{ tokenId: string; expiresAt: string }> {
  const tokenId = randomString(6);
  const expiresAt = new Date((options.now ?? new Date()).getTime() + options.ttlSeconds * 1000)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z');
  await core.createNamespacedSecret({
    namespace: NAMESPACE,
    body: {
      metadata: { name: tokenSecretName(tokenId), namespace: NAMESPACE, labels: options.labels },
      type: 'bootstrap.kubernetes.io/token',
      stringData: {
        'token-id': tokenId,
        'token-secret': randomString(16),
        expiration: expiresAt,
        description: options.description,
        'usage-bootstrap-authentication': 'true',
        'usage-bootstrap-signing': 'true',
        'auth-extra-groups': 'system:bootstrappers:kubeadm:default-node-token',
      },
    },
  });
  return { tokenId, expiresAt };
}

/** `<id>.<secret>`, read back from the Secret so the token never travels elsewhere. */
export async function readBootstrapToken(core: k8s.CoreV1Api, tokenId: string): Promise<string> {
  const secret = await core.readNamespacedSecret({
    name: tokenSecretName(tokenId),
    namespace: NAMESPACE,
  });
  const data = secret.data ?? {};
  const decode = (key: string) => Buffer.from(data[key] ?? '', 'base64').toString('utf8');
  return `${decode('token-id')}.${decode('token-secret')}`;
}

export async function deleteBootstrapToken(core: k8s.CoreV1Api, tokenId: string): Promise<void> {
  await core
    .deleteNamespacedSecret({ name: tokenSecretName(tokenId), namespace: NAMESPACE })
    .catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
}
