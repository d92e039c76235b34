// Connections to the Temporal server from configuration, shared by the worker (which needs both
// a worker connection and a client), the controller and the CLI, so TLS is set up one way.
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import type { Config } from '../config';

type TemporalConfig = Readonly<Config>['temporal'];

function tlsOptions(temporal: TemporalConfig) {
  const { tls } = temporal;
  if (!tls.enabled) return undefined;
  const read = (path?: string) => (path ? readFileSync(path) : undefined);
  return {
    serverRootCACertificate: read(tls.caFile),
    clientCertPair:
      tls.certFile && tls.keyFile
        ? { crt: read(tls.certFile)!, key: read(tls.keyFile)! }
        : undefined,
  };
}

export async function connectClient(
  temporal: TemporalConfig,
): Promise<{ client: Client; connection: Connection }> {
  const connection = await Connection.connect({
    address: temporal.address,
    tls: tlsOptions(temporal),
  });
  return { connection, client: new Client({ connection, namespace: temporal.namespace }) };
}

export function connectWorker(temporal: TemporalConfig): Promise<NativeConnection> {
  return NativeConnection.connect({ address: temporal.address, tls: tlsOptions(temporal) });
}
