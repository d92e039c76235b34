// CLI: runs the VPSie simulator on 127.0.0.1 until interrupted.
//
//   npx tsx src/simulator/main.ts --port 8484 --token my-token \
//     [--client-id id --client-secret secret] [--provisioning-delay-ms 2000] [--token-ttl-seconds 3600]
//
// Prints one JSON line with the URL on stdout, so scripts can read it.

import { parseArgs } from 'node:util';
import { DEFAULT_SIMULATOR_TOKEN, startVpsieSimulator, type VpsieSimulator } from './index';

const USAGE =
  'usage: main.ts [--port N] [--token T] [--client-id ID --client-secret S] ' +
  '[--provisioning-delay-ms MS] [--token-ttl-seconds S]';

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
  const simulator = await startVpsieSimulator({
    port: nonNegativeInt('port', values.port) ?? 0,
    tokens: [values.token ?? DEFAULT_SIMULATOR_TOKEN],
    clients: clientId && clientSecret ? [{ clientId, clientSecret }] : [],
    provisioningDelayMs: nonNegativeInt('provisioning-delay-ms', values['provisioning-delay-ms']),
    tokenTtlMs: ttlSeconds === undefined ? undefined : ttlSeconds * 1000,
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
