// What a joining node needs to know about the cluster, derived from the kubeconfig we run with:
// the API server endpoint (host:port) and kubeadm's CA pin (sha256 of the CA's public key).
import { createHash, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type * as k8s from '@kubernetes/client-node';

export interface ClusterJoinInfo {
  endpoint: string;
  caCertHash: string;
}

/** kubeadm's `--discovery-token-ca-cert-hash`: sha256 over the CA's SubjectPublicKeyInfo (DER). */
export function caCertHash(caPem: string | Buffer): string {
  const spki = new X509Certificate(caPem).publicKey.export({ type: 'spki', format: 'der' });
  return `sha256:${createHash('sha256').update(spki).digest('hex')}`;
}

export function clusterJoinInfo(kc: k8s.KubeConfig, endpointOverride?: string): ClusterJoinInfo {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('kubeconfig has no current cluster');
  const ca = cluster.caData
    ? Buffer.from(cluster.caData, 'base64')
    : cluster.caFile
      ? readFileSync(cluster.caFile)
      : undefined;
  if (!ca)
    throw new Error(`kubeconfig cluster "${cluster.name}" has no CA: nodes could not pin it`);
  const url = new URL(cluster.server);
  return { endpoint: endpointOverride ?? url.host, caCertHash: caCertHash(ca) };
}
