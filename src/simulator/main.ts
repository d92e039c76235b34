// CLI: runs the VPSie simulator on 127.0.0.1 until interrupted.
//
//   npx tsx src/simulator/main.ts --port 8484 --token my-token \
//     [--client-id id --client-secret secret] [--provisioning-delay-ms 2000] [--token-ttl-seconds 3600]
//     [--kubeconfig PATH [--api-server-endpoint HOST:PORT ...] [--join-delay-ms MS]]
//
// With --kubeconfig, running VMs join that cluster as their user-data says (cluster-join/).
// Prints one JSON line with the URL on stdout, so scripts can read it; logs go to stderr.

import { parseArgs } from 'node:util';
import { createLogger } from '../logging/logger';
import { DEFAULT_SIMULATOR_TOKEN, startVpsieSimulator, type VpsieSimulator } from './index';

const USAGE =
  'usage: main.ts [--port N] [--token T] [--client-id ID --client-secret S] ' +
  '[--provisioning-delay-ms MS] [--token-ttl-seconds S] ' +
  '[--kubeconfig PATH [--api-server-endpoint HOST:PORT]... [--join-delay-ms MS]]';

function nonNegativeInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new Error(`--${flag} must be a non-negative integer`);
  return Number(value);
}

export async function main(argv: string[]): Promise<VpsieSimulator | undefined> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      token: { type: 'string' },
      'client-id': { type: 'string' },
      'client-secret': { type: 'string' },
      'provisioning-delay-ms': { type: 'string' },
      'token-ttl-seconds': { type: 'string' },
      kubeconfig: { type: 'string' },
      'api-server-endpoint': { type: 'string', multiple: true },
      'join-delay-ms': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return undefined;
  }
  const clientId = values['client-id'];
  const clientSecret = values['client-secret'];
  if ((clientId === undefined) !== (clientSecret === undefined)) {
    throw new Error('--client-id and --client-secret go together');
  }
  const ttlSeconds = nonNegativeInt('token-ttl-seconds', values['token-ttl-seconds']);
  const kubeconfigPath = values.kubeconfig;
  if (kubeconfigPath === undefined && (values['api-server-endpoint'] || values['join-delay-ms'])) {
    throw new Error('--api-server-endpoint and --join-delay-ms need --kubeconfig');
  }
  const simulator = await startVpsieSimulator({
    port: nonNegativeInt('port', values.port) ?? 0,
    tokens: [values.token ?? DEFAULT_SIMULATOR_TOKEN],
    clients: clientId && clientSecret ? [{ clientId, clientSecret }] : [],
    provisioningDelayMs: nonNegativeInt('provisioning-delay-ms', values['provisioning-delay-ms']),
    tokenTtlMs: ttlSeconds === undefined ? undefined : ttlSeconds * 1000,
    cluster: kubeconfigPath
      ? {
          kubeconfigPath,
          apiServerEndpoints: values['api-server-endpoint'],
          joinDelayMs: nonNegativeInt('join-delay-ms', values['join-delay-ms']),
        }
      : undefined,
    logger: createLogger(),
  });
  process.stdout.write(`${JSON.stringify({ url: simulator.url, status: 'listening' })}\n`);
  return simulator;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (simulator) => {
      const stop = () => void simulator?.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n${USAGE}\n`);
      process.exit(2);
    },
  );
}
