// The operator's command line: `vpsie-autoscaler <command> [flags]`.
import { renderCloudInitPreview } from './render-cloud-init';

const USAGE = `Usage: vpsie-autoscaler <command> [flags]

Commands:
  render-cloud-init --namespace NS --nodegroup NAME [--kubeconfig PATH]
      Print the cloud-init user-data a new node of the NodeGroup would get (dry run: nothing is
      created, the join token is masked).
`;

/** `--name value` and `--name=value` flags; anything else is an error naming it. */
export function parseFlags(args: string[], allowed: readonly string[]): Record<string, string> {
  const flags: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (!match || !allowed.includes(match[1]!)) {
      throw new Error(
        `unknown argument "${arg}"; allowed: ${allowed.map((a) => `--${a}`).join(', ')}`,
      );
    }
    const value = match[2] ?? args[++i];
    if (value === undefined || value === '') throw new Error(`--${match[1]} needs a value`);
    flags[match[1]!] = value;
  }
  return flags;
}

function required(flags: Record<string, string>, name: string): string {
  const value = flags[name];
  if (!value) throw new Error(`--${name} is required`);
  return value;
}

export async function runCli(argv: string[]): Promise<string> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'render-cloud-init': {
      const flags = parseFlags(rest, ['namespace', 'nodegroup', 'kubeconfig']);
      return renderCloudInitPreview({
        namespace: required(flags, 'namespace'),
        nodeGroup: required(flags, 'nodegroup'),
        kubeconfig: flags.kubeconfig,
      });
    }
    case undefined:
    case 'help':
    case '--help':
      return USAGE;
    default:
      throw new Error(`unknown command "${command}"\n\n${USAGE}`);
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then(
    (out) => process.stdout.write(out.endsWith('\n') ? out : `${out}\n`),
    (err: unknown) => {
      process.stderr.write(
        `vpsie-autoscaler: ${err instanceof Error ? err.message : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
